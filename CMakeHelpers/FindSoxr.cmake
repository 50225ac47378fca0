# FindSoxr: the SoX resampler library (soxr.h, libsoxr).
#
# Imported target: Soxr::soxr.   Result variables: Soxr_FOUND, Soxr_INCLUDE_DIR, Soxr_LIBRARY.
# Debian package: libsoxr-dev.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
hmmkit_find_c_library(Soxr TARGET Soxr::soxr HEADER soxr.h NAMES soxr PKG_CONFIG soxr)
hmmkit_debian_hint(_hint libsoxr-dev)
find_package_handle_standard_args(Soxr REQUIRED_VARS Soxr_LIBRARY Soxr_INCLUDE_DIR
    REASON_FAILURE_MESSAGE "${_hint}")
