! kill -0 "$(cat bg.pid)" 2>/dev/null
