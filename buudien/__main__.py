from buudien.cli import main

raise SystemExit(main())
