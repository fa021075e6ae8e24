from callmine.cli import main

raise SystemExit(main())
