"""Pure rules of the payments service: no I/O, no framework imports."""
