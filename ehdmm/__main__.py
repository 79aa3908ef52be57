import sys

from ehdmm.cli import main

sys.exit(main())
