# FindFFTW3: FFTW 3 in double and single precision (fftw3.h; libfftw3, libfftw3f).
#
# Components: double (FFTW3::fftw3) and float (FFTW3::fftw3f); both when none is named.
# Result variables: FFTW3_FOUND, FFTW3_<component>_FOUND, FFTW3_INCLUDE_DIR, FFTW3_LIBRARY,
# FFTW3F_LIBRARY.   Debian package: libfftw3-dev.
include(${CMAKE_CURRENT_LIST_DIR}/HMMKitFindLibrary.cmake)
if(NOT FFTW3_FIND_COMPONENTS)
    set(FFTW3_FIND_COMPONENTS double float)
    set(FFTW3_FIND_REQUIRED_double TRUE)
    set(FFTW3_FIND_REQUIRED_float TRUE)
endif()
set(_fftw3_double_prefix FFTW3)
set(_fftw3_double_pkg fftw3)
set(_fftw3_float_prefix FFTW3F)
set(_fftw3_float_pkg fftw3f)
foreach(_component IN LISTS FFTW3_FIND_COMPONENTS)
    if(NOT DEFINED _fftw3_${_component}_prefix)
        message(FATAL_ERROR "FindFFTW3: unknown component '${_component}' (double, float)")
    endif()
    set(_prefix ${_fftw3_${_component}_prefix})
    hmmkit_find_c_library(${_prefix} TARGET FFTW3::${_fftw3_${_component}_pkg} HEADER fftw3.h
        NAMES ${_fftw3_${_component}_pkg} PKG_CONFIG ${_fftw3_${_component}_pkg})
    if(${_prefix}_LIBRARY AND ${_prefix}_INCLUDE_DIR)
        set(FFTW3_${_component}_FOUND TRUE)
        set(FFTW3_INCLUDE_DIR "${${_prefix}_INCLUDE_DIR}")
    else()
        set(FFTW3_${_component}_FOUND FALSE)
    endif()
endforeach()
hmmkit_debian_hint(_hint libfftw3-dev)
find_package_handle_standard_args(FFTW3 REQUIRED_VARS FFTW3_INCLUDE_DIR HANDLE_COMPONENTS
    REASON_FAILURE_MESSAGE "${_hint}")
