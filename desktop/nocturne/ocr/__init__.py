"""OCR of scanned pages and photos of documents, done as sleep-time work.

`pages` opens image files and renders PDF pages (Pillow, PDFium) and says plainly what is wrong
with a bad one; `reader` runs RapidOCR (PP-OCR models on onnxruntime, inside its wheel), loaded
only when there is a page to read, and turns the page upright first; `layout` puts the lines it
finds back into reading order — paragraphs by position, columns one after the other. Nothing here
touches the library: the digest step (`sleeptime/ocr_step.py`) stores what is read.
"""
