# A test that fails with a message: registered in place of tests that cannot
# run because something they need was missing when the build was configured,
# so the gap shows as a failure instead of a silently shorter test list.
# Usage: cmake -DMESSAGE=... -P fail_with_message.cmake
message(FATAL_ERROR "${MESSAGE}")
