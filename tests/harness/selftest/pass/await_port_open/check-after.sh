# the harness stops before-processes when the test ends
! kill -0 "$(cat before.pid)" 2>/dev/null
