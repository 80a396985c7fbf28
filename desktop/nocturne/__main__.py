from nocturne.cli import main

raise SystemExit(main())
