# Run by cpack for each package: the version carries the commit the binaries were built from
# (the header --version prints), so a package and `zbundle --version` always agree.
set(zbundle_commit unknown)
if(EXISTS "${CPACK_ZBUNDLE_COMMIT_HEADER}")
  file(STRINGS "${CPACK_ZBUNDLE_COMMIT_HEADER}" line REGEX "ZBUNDLE_COMMIT")
  string(REGEX REPLACE ".*\"(.*)\".*" "\\1" zbundle_commit "${line}")
endif()
string(REPLACE "-" "." zbundle_commit "${zbundle_commit}") # "-dirty": no dash in either format
set(CPACK_DEBIAN_PACKAGE_VERSION "${CPACK_PACKAGE_VERSION}+git${zbundle_commit}")
set(CPACK_RPM_PACKAGE_RELEASE "1.git${zbundle_commit}")
