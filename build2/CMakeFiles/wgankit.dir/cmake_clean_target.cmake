file(REMOVE_RECURSE
  "libwgankit.a"
)
