"""``python -m benchmarks [--quick]``: glassnet side by side with NumPy, PyTorch and scikit-learn."""
import sys

from glassnet.benchmarks.cli import main

sys.exit(main())
