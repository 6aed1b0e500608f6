# edit_checkpoint_config.py SRC DST KEY JSON_VALUE: a copy of a wgankit checkpoint with one setting of
# its wgankit.config metadata replaced (for tests of checkpoints whose config lies about the state);
# edit_checkpoint.py's "config" edit.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from edit_checkpoint import main
main(sys.argv[1:3] + ['config'] + sys.argv[3:])
