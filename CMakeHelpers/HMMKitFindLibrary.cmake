# One helper behind HMMKit's find modules (FindOpenBLAS, FindLAPACKE, FindFFTW3, FindSndFile,
# FindSoxr, FindHMMKitMPI): find a C library and its header, pkg-config's answer first when
# pkg-config is there, CMake's usual search paths otherwise, and wrap them in an IMPORTED target.
include_guard(GLOBAL)
include(FindPackageHandleStandardArgs)
find_package(PkgConfig QUIET)

# hmmkit_find_c_library(<prefix> TARGET <imported target> HEADER <header> NAMES <library names...>
#                       [PKG_CONFIG <modules...>] [PATH_SUFFIXES <include suffixes...>])
#
# Caches <prefix>_INCLUDE_DIR and <prefix>_LIBRARY (set either one to choose another copy) and,
# when both are found, defines TARGET with the library as IMPORTED_LOCATION and the header's folder
# as include directory. PKG_CONFIG modules are tried in order; the first that exists gives hints.
function(hmmkit_find_c_library prefix)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "TARGET;HEADER" "NAMES;PKG_CONFIG;PATH_SUFFIXES")
    set(include_hints)
    set(library_hints)
    if(PKG_CONFIG_FOUND)
        foreach(module IN LISTS arg_PKG_CONFIG)
            pkg_check_modules(_hmmkit_pc_${prefix} QUIET ${module})
            if(_hmmkit_pc_${prefix}_FOUND)
                set(include_hints ${_hmmkit_pc_${prefix}_INCLUDE_DIRS})
                set(library_hints ${_hmmkit_pc_${prefix}_LIBRARY_DIRS})
                break()
            endif()
        endforeach()
    endif()
    find_path(${prefix}_INCLUDE_DIR ${arg_HEADER} HINTS ${include_hints} PATH_SUFFIXES ${arg_PATH_SUFFIXES})
    find_library(${prefix}_LIBRARY NAMES ${arg_NAMES} HINTS ${library_hints})
    mark_as_advanced(${prefix}_INCLUDE_DIR ${prefix}_LIBRARY)
    if(${prefix}_INCLUDE_DIR AND ${prefix}_LIBRARY AND NOT TARGET ${arg_TARGET})
        add_library(${arg_TARGET} UNKNOWN IMPORTED)
        set_target_properties(${arg_TARGET} PROPERTIES IMPORTED_LOCATION "${${prefix}_LIBRARY}")
        # A system folder such as /usr/include stays off the include path: CMake does not filter
        # it for Swift, and an explicit `-I /usr/include` reorders the C library's own headers.
        set(system_dirs /usr/include /usr/local/include
            ${CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES} ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES})
        if(NOT ${prefix}_INCLUDE_DIR IN_LIST system_dirs)
            set_target_properties(${arg_TARGET} PROPERTIES
                INTERFACE_INCLUDE_DIRECTORIES "${${prefix}_INCLUDE_DIR}")
        endif()
    endif()
endfunction()

# The message a missing library ends with: the Debian package that provides it.
function(hmmkit_debian_hint variable packages)
    set(${variable} "on Debian or Ubuntu: apt-get install ${packages}" PARENT_SCOPE)
endfunction()
