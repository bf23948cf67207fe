# The packages (CPack): zbundle (the connected host) and zbundle-extract (the bastion), each as
# .deb and .rpm, for the architecture built: x86_64 from a ZBUNDLE_PORTABLE build (static but
# glibc; its dependencies found from the binaries: dpkg-shlibdeps, rpm's own scan), s390x from
# the static cross build (no dependencies). The version is the project's plus the commit the
# binaries were built from, read at packaging time from the header --version prints
# (cmake/package_version.cmake). scripts/package.sh and ci/cross-s390x.sh --release run it.
set(CPACK_PACKAGE_NAME zbundle)
set(CPACK_PACKAGE_VENDOR "zbundle")
set(CPACK_PACKAGE_CONTACT "zbundle maintainers <zbundle@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Carries an OpenShift image mirror across an air gap to IBM Z")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB RPM)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL zbundle extract)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/package_version.cmake)
set(CPACK_ZBUNDLE_COMMIT_HEADER ${PROJECT_BINARY_DIR}/src/cli/generated/commit.hpp)

set(CPACK_COMPONENT_ZBUNDLE_DESCRIPTION
  "Reads what oc-mirror (v1 and v2) wrote, verifies every image digest and the mirror registry's CA, and packs one signed zstd bundle for a disconnected OpenShift on IBM Z.")
set(CPACK_COMPONENT_EXTRACT_DESCRIPTION
  "On the bastion: verifies a zbundle's signature and every byte, expands it or pushes its images into the site's registry, and applies it to the host and the cluster.")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_ZBUNDLE_PACKAGE_NAME zbundle)
set(CPACK_DEBIAN_EXTRACT_PACKAGE_NAME zbundle-extract)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
# gpgv verifies OpenPGP release signatures (create --release-keyring): needed for that only.
set(CPACK_DEBIAN_ZBUNDLE_PACKAGE_RECOMMENDS gpgv)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_ZBUNDLE_PACKAGE_NAME zbundle)
set(CPACK_RPM_EXTRACT_PACKAGE_NAME zbundle-extract)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
# CPack strips already; rpm's own post-install steps would run the host's tools on the binary.
set(CPACK_RPM_SPEC_MORE_DEFINE
  "%define __os_install_post %{nil}\n%define debug_package %{nil}\n%define _build_id_links none")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /usr/share/bash-completion /usr/share/bash-completion/completions /usr/share/man
  /usr/share/man/man1 /usr/share/man/man5)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(s390x|s390)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE s390x)
  set(CPACK_RPM_PACKAGE_ARCHITECTURE s390x)
  set(CPACK_RPM_PACKAGE_AUTOREQ OFF) # static: nothing to require
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
  set(CPACK_RPM_PACKAGE_ARCHITECTURE x86_64)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
