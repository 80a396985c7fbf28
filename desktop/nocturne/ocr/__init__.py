"""OCR of scanned pages and photos of documents, done as sleep-time work.

`pages` opens image files and renders PDF pages (Pillow, PDFium) and says plainly what is wrong
with a bad one; `reader` runs RapidOCR (PP-OCR models on onnxruntime, inside its wheel), loaded
only when there is a page to read, and turns the page upright first; `layout` puts the lines it
finds back into reading order — paragraphs by position, columns one after the other. Nothing here
touches the library: the digest step (`sleeptime/ocr_step.py`) stores what is read.

onnxruntime (1.29 and later) sends telemetry to Microsoft from Linux too unless
`ORT_DISABLE_TELEMETRY=1` is set before it is imported: it writes a device id and an event cache
under ~/.cache/Microsoft and, seconds later, looks up Microsoft's collector. So it is set here,
whatever the environment says, before any of this package can import onnxruntime. (`reader` also
turns its events off after the import; that holds back session and model events if something
else imported onnxruntime first, but not the one it sends when it starts.)
"""

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
