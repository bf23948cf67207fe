# Cross-compiles for IBM Z (s390x) with Debian's cross toolchain (g++-s390x-linux-gnu). The
# libraries come from a tree of Debian s390x -dev packages (ZBUNDLE_SYSROOT, which
# ci/cross-s390x.sh builds); the C library is the cross toolchain's own (/usr/s390x-linux-gnu).
# Tests run through qemu-s390x-static, so the same ctest suite runs here.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)

set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER s390x-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-s390x-static)

if(NOT ZBUNDLE_SYSROOT AND DEFINED ENV{ZBUNDLE_SYSROOT})
  set(ZBUNDLE_SYSROOT "$ENV{ZBUNDLE_SYSROOT}")
endif()
if(NOT ZBUNDLE_SYSROOT OR NOT EXISTS "${ZBUNDLE_SYSROOT}/usr/include")
  message(FATAL_ERROR "ZBUNDLE_SYSROOT must name the s390x package tree (run ci/cross-s390x.sh)")
endif()
set(ZBUNDLE_SYSROOT "${ZBUNDLE_SYSROOT}" CACHE PATH "Tree of Debian s390x -dev packages")
# try_compile projects read this file again: hand them the sysroot too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ZBUNDLE_SYSROOT)

# Find libraries, headers and CMake packages only in the s390x trees, programs only on the host.
set(CMAKE_FIND_ROOT_PATH "${ZBUNDLE_SYSROOT}" /usr/s390x-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Multiarch headers (opensslconf.h, ...) live below the triplet directory.
set(CMAKE_C_FLAGS_INIT "-isystem ${ZBUNDLE_SYSROOT}/usr/include/s390x-linux-gnu")
set(CMAKE_CXX_FLAGS_INIT "-isystem ${ZBUNDLE_SYSROOT}/usr/include/s390x-linux-gnu")

# pkg-config, where used, resolves inside the sysroot only.
set(ENV{PKG_CONFIG_LIBDIR} "${ZBUNDLE_SYSROOT}/usr/lib/s390x-linux-gnu/pkgconfig:${ZBUNDLE_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${ZBUNDLE_SYSROOT}")
set(ENV{PKG_CONFIG_PATH} "")
