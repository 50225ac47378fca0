# The three kinds of module HMMKit is made of, each added by one call, the CMake counterparts of
# SwiftPM's targets:
#
#   hmmkit_add_system_module(CBLAS LIBRARIES OpenBLAS::OpenBLAS)      .systemLibrary (a module map)
#   hmmkit_add_c_module(CVectorMath LIBRARIES m)                      a C .target with include/
#   hmmkit_add_swift_module(HMMKitMixtures DEPENDS HMMKitNumerics)    a Swift .target
#
# UMBRELLA on a Swift module adds it to the umbrella module HMMKit's dependencies (as listing it in
# the umbrella's dependencies in Package.swift does). hmmkit_check_sources_built() at the end
# fails the configuration when a folder of Sources/ has no module here, so that a module added to
# Package.swift cannot silently go missing from the CMake build and its installation.
#
# Sources are found the way SwiftPM finds them, by globbing the module's folder (Sources/<Name>
# unless SOURCE_DIR says otherwise), with CONFIGURE_DEPENDS: a Swift file added to a module is
# picked up by the next build without re-running cmake by hand. Every module that is installed
# joins the export set HMMKitTargets and is visible to consumers as HMMKit::<Name>.
#
# Layout of an installation (paths under CMAKE_INSTALL_PREFIX):
#   bin/hmmkit                                          the command
#   ${CMAKE_INSTALL_LIBDIR}/libHMMKit*.a (or .so)       the modules' libraries
#   ${HMMKIT_INSTALL_SWIFTMODULEDIR}/<Name>.swiftmodule compiled Swift interfaces (same compiler only)
#   ${HMMKIT_INSTALL_MODULEMAPDIR}/<CName>/              module maps and headers of the C modules
#   ${HMMKIT_INSTALL_CMAKEDIR}/                         HMMKitConfig.cmake, targets, find modules
include_guard(GLOBAL)
include(GNUInstallDirs)

set(HMMKIT_SWIFT_MODULE_DIR "${PROJECT_BINARY_DIR}/swift" CACHE INTERNAL
    "Where the build puts every .swiftmodule")
set(HMMKIT_INSTALL_SWIFTMODULEDIR "${CMAKE_INSTALL_LIBDIR}/hmmkit/swift" CACHE STRING
    "Installation folder of the .swiftmodule files, relative to the prefix")
set(HMMKIT_INSTALL_MODULEMAPDIR "${CMAKE_INSTALL_INCLUDEDIR}/hmmkit" CACHE STRING
    "Installation folder of the C modules' module maps and headers, relative to the prefix")
set(HMMKIT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/HMMKit" CACHE STRING
    "Installation folder of the CMake package configuration, relative to the prefix")

# Records the folder of a module that is built, for hmmkit_check_sources_built().
function(_hmmkit_register_source_dir dir)
    get_filename_component(dir "${dir}" REALPATH)
    set_property(GLOBAL APPEND PROPERTY HMMKIT_BUILT_SOURCE_DIRS "${dir}")
endfunction()

# Records an installed module for hmmkit_install_modules().
function(_hmmkit_register_installed name kind)
    set_property(GLOBAL APPEND PROPERTY HMMKIT_INSTALLED_${kind} ${name})
    add_library(HMMKit::${name} ALIAS ${name})
endfunction()

# hmmkit_add_system_module(<Name> [SOURCE_DIR <dir>] LIBRARIES <imported targets...>)
#
# A system-library module: a folder holding `module.modulemap` and a shim header that includes the
# library's headers. The folder goes on the Swift include path of every module that links <Name>
# (swiftc hands `-I` to its Clang importer, which finds the module map there and the library's
# headers through the LIBRARIES' include directories). The LIBRARIES are linked explicitly, found
# by CMakeHelpers' find modules, so no build depends on the module map's `link` lines alone.
function(hmmkit_add_system_module name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "SOURCE_DIR" "LIBRARIES")
    if(NOT arg_SOURCE_DIR)
        set(arg_SOURCE_DIR "${PROJECT_SOURCE_DIR}/Sources/${name}")
    endif()
    if(NOT EXISTS "${arg_SOURCE_DIR}/module.modulemap")
        message(FATAL_ERROR "system module ${name}: no module.modulemap in ${arg_SOURCE_DIR}")
    endif()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE
        "$<BUILD_INTERFACE:${arg_SOURCE_DIR}>"
        "$<INSTALL_INTERFACE:${HMMKIT_INSTALL_MODULEMAPDIR}/${name}>")
    target_link_libraries(${name} INTERFACE ${arg_LIBRARIES})
    set_property(TARGET ${name} PROPERTY HMMKIT_MODULEMAP_DIR "${arg_SOURCE_DIR}")
    _hmmkit_register_source_dir("${arg_SOURCE_DIR}")
    _hmmkit_register_installed(${name} SYSTEM_MODULES)
endfunction()

# Writes a module map for a C module whose include folder has none (SwiftPM generates one in
# that case): every header of the include folder, copied beside the map so that the same folder
# layout serves the build tree and an installation.
function(_hmmkit_stage_c_headers name include_dir staged_dir)
    file(GLOB headers CONFIGURE_DEPENDS RELATIVE "${include_dir}" "${include_dir}/*.h")
    list(SORT headers)
    set(map "module ${name} {\n")
    foreach(header IN LISTS headers)
        configure_file("${include_dir}/${header}" "${staged_dir}/${header}" COPYONLY)
        string(APPEND map "    header \"${header}\"\n")
    endforeach()
    string(APPEND map "    export *\n}\n")
    if(EXISTS "${include_dir}/module.modulemap")
        configure_file("${include_dir}/module.modulemap" "${staged_dir}/module.modulemap" COPYONLY)
    else()
        file(CONFIGURE OUTPUT "${staged_dir}/module.modulemap" CONTENT "${map}")
    endif()
endfunction()

# hmmkit_add_c_module(<Name> [SOURCE_DIR <dir>] [LIBRARIES <libs...>] [NO_INSTALL])
#
# A C module in SwiftPM's layout: `*.c` files anywhere in the folder and public headers in
# `include/`. C callers see the headers through the include folder; Swift callers import <Name>
# through a staged copy of the headers with a module map.
function(hmmkit_add_c_module name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "SOURCE_DIR" "LIBRARIES")
    if(NOT arg_SOURCE_DIR)
        set(arg_SOURCE_DIR "${PROJECT_SOURCE_DIR}/Sources/${name}")
    endif()
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${arg_SOURCE_DIR}/*.c")
    if(NOT sources)
        message(FATAL_ERROR "C module ${name}: no .c file under ${arg_SOURCE_DIR}")
    endif()
    set(staged "${PROJECT_BINARY_DIR}/modulemaps/${name}")
    _hmmkit_stage_c_headers(${name} "${arg_SOURCE_DIR}/include" "${staged}")
    add_library(${name} ${sources})
    target_include_directories(${name}
        PRIVATE "${arg_SOURCE_DIR}/include"
        PUBLIC "$<BUILD_INTERFACE:${staged}>"
               "$<INSTALL_INTERFACE:${HMMKIT_INSTALL_MODULEMAPDIR}/${name}>")
    target_link_libraries(${name} PUBLIC ${arg_LIBRARIES})
    set_property(TARGET ${name} PROPERTY HMMKIT_MODULEMAP_DIR "${staged}")
    _hmmkit_register_source_dir("${arg_SOURCE_DIR}")
    if(NOT arg_NO_INSTALL)
        _hmmkit_register_installed(${name} C_MODULES)
    endif()
endfunction()

# hmmkit_add_swift_module(<Name> [SOURCE_DIR <dir>] [DEPENDS <modules...>] [UMBRELLA]
#                         [PACKAGE <package name>] [SWIFT_VERSION <5|6>] [STATIC] [NO_INSTALL])
#
# A Swift library module from every `.swift` file under its folder. DEPENDS are the modules it
# imports (HMMKit's own, the C modules, swift-numerics'); they are linked PUBLIC because a Swift
# module's clients load the modules it imports. PACKAGE is the `-package-name` that lets modules of
# one package share `package` declarations (default: hmmkit); SWIFT_VERSION the language mode
# (default: 6, as `swift-tools-version: 6.1` implies). STATIC forces a static library whatever
# BUILD_SHARED_LIBS says (for what only the executable links); NO_INSTALL keeps it out of the
# installation and the export set.
function(hmmkit_add_swift_module name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "STATIC;NO_INSTALL;UMBRELLA" "SOURCE_DIR;PACKAGE;SWIFT_VERSION" "DEPENDS")
    if(NOT arg_SOURCE_DIR)
        set(arg_SOURCE_DIR "${PROJECT_SOURCE_DIR}/Sources/${name}")
    endif()
    if(NOT arg_PACKAGE)
        set(arg_PACKAGE hmmkit)
    endif()
    if(NOT arg_SWIFT_VERSION)
        set(arg_SWIFT_VERSION 6)
    endif()
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${arg_SOURCE_DIR}/*.swift")
    if(NOT sources)
        message(FATAL_ERROR "Swift module ${name}: no .swift file under ${arg_SOURCE_DIR}")
    endif()
    set(kind)
    if(arg_STATIC)
        set(kind STATIC)
    endif()
    add_library(${name} ${kind} ${sources})
    set_target_properties(${name} PROPERTIES
        Swift_MODULE_NAME ${name}
        Swift_MODULE_DIRECTORY "${HMMKIT_SWIFT_MODULE_DIR}"
        Swift_LANGUAGE_VERSION ${arg_SWIFT_VERSION})
    # CMake does not yet put a Swift dependency's module folder on its clients' include path.
    target_include_directories(${name} PUBLIC
        "$<BUILD_INTERFACE:${HMMKIT_SWIFT_MODULE_DIR}>"
        "$<INSTALL_INTERFACE:${HMMKIT_INSTALL_SWIFTMODULEDIR}>")
    target_compile_options(${name} PRIVATE "SHELL:-package-name ${arg_PACKAGE}")
    if(NOT arg_PACKAGE STREQUAL "hmmkit")
        # Another package's warnings are not ours to fix (SwiftPM hides them too).
        target_compile_options(${name} PRIVATE -suppress-warnings)
    endif()
    target_link_libraries(${name} PUBLIC ${arg_DEPENDS})
    _hmmkit_register_source_dir("${arg_SOURCE_DIR}")
    if(arg_UMBRELLA)
        set_property(GLOBAL APPEND PROPERTY HMMKIT_UMBRELLA_MODULES ${name})
    endif()
    if(NOT arg_NO_INSTALL)
        _hmmkit_register_installed(${name} SWIFT_MODULES)
    endif()
endfunction()

# hmmkit_add_swift_executable(<target> MODULE_NAME <Name> [SOURCE_DIR <dir>] DEPENDS <modules...>)
#
# An executable from a Swift folder with an `@main` type (no main.swift), as SwiftPM's
# .executableTarget; installed into bin/.
function(hmmkit_add_swift_executable target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "MODULE_NAME;SOURCE_DIR" "DEPENDS")
    if(NOT arg_SOURCE_DIR)
        set(arg_SOURCE_DIR "${PROJECT_SOURCE_DIR}/Sources/${arg_MODULE_NAME}")
    endif()
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${arg_SOURCE_DIR}/*.swift")
    add_executable(${target} ${sources})
    set_target_properties(${target} PROPERTIES
        Swift_MODULE_NAME ${arg_MODULE_NAME}
        Swift_LANGUAGE_VERSION 6
        RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
    if(NOT EXISTS "${arg_SOURCE_DIR}/main.swift")
        target_compile_options(${target} PRIVATE -parse-as-library)
    endif()
    target_compile_options(${target} PRIVATE "SHELL:-package-name hmmkit")
    target_link_libraries(${target} PRIVATE ${arg_DEPENDS})
    _hmmkit_register_source_dir("${arg_SOURCE_DIR}")
    install(TARGETS ${target} RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endfunction()

# hmmkit_skip_sources(<folder names of Sources/...> REASON <why>)
#
# Folders of Sources/ that this configuration leaves out on purpose (an option is off).
function(hmmkit_skip_sources)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "REASON" "")
    foreach(name IN LISTS arg_UNPARSED_ARGUMENTS)
        if(EXISTS "${PROJECT_SOURCE_DIR}/Sources/${name}")
            message(STATUS "HMMKit: not building Sources/${name}: ${arg_REASON}")
            _hmmkit_register_source_dir("${PROJECT_SOURCE_DIR}/Sources/${name}")
        endif()
    endforeach()
endfunction()

# Fails when a folder of Sources/ is neither built nor skipped with a reason: Package.swift has a
# module that this CMake build does not know yet.
function(hmmkit_check_sources_built)
    get_property(built GLOBAL PROPERTY HMMKIT_BUILT_SOURCE_DIRS)
    file(GLOB entries LIST_DIRECTORIES true CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/Sources/*")
    set(missing)
    foreach(entry IN LISTS entries)
        get_filename_component(entry "${entry}" REALPATH)
        if(IS_DIRECTORY "${entry}" AND NOT entry IN_LIST built)
            get_filename_component(name "${entry}" NAME)
            list(APPEND missing ${name})
        endif()
    endforeach()
    if(missing)
        list(JOIN missing ", " names)
        message(FATAL_ERROR "Sources/ has modules the CMake build does not know: ${names}. Add one "
            "line per module to CMakeLists.txt, with the dependencies its Package.swift target has "
            "(and UMBRELLA if the umbrella HMMKit depends on it), e.g.\n"
            "  hmmkit_add_swift_module(<Name> DEPENDS HMMKitNumerics HMMKitAudio UMBRELLA)\n"
            "a C module with include/: hmmkit_add_c_module(<Name>); a module map over a system "
            "library: hmmkit_add_system_module(<Name> LIBRARIES <imported target>)")
    endif()
endfunction()

# Installs every registered module: libraries into the export set HMMKitTargets, .swiftmodule and
# .swiftdoc files, and the C modules' module maps with their headers.
function(hmmkit_install_modules)
    get_property(swift_modules GLOBAL PROPERTY HMMKIT_INSTALLED_SWIFT_MODULES)
    get_property(c_modules GLOBAL PROPERTY HMMKIT_INSTALLED_C_MODULES)
    get_property(system_modules GLOBAL PROPERTY HMMKIT_INSTALLED_SYSTEM_MODULES)
    install(TARGETS ${swift_modules} ${c_modules} ${system_modules}
        EXPORT HMMKitTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
    foreach(name IN LISTS swift_modules)
        install(FILES
            "${HMMKIT_SWIFT_MODULE_DIR}/${name}.swiftmodule"
            "${HMMKIT_SWIFT_MODULE_DIR}/${name}.swiftdoc"
            DESTINATION "${HMMKIT_INSTALL_SWIFTMODULEDIR}")
    endforeach()
    foreach(name IN LISTS c_modules system_modules)
        get_property(dir TARGET ${name} PROPERTY HMMKIT_MODULEMAP_DIR)
        install(DIRECTORY "${dir}/" DESTINATION "${HMMKIT_INSTALL_MODULEMAPDIR}/${name}"
            FILES_MATCHING PATTERN "*.h" PATTERN "module.modulemap")
    endforeach()
    install(EXPORT HMMKitTargets NAMESPACE HMMKit:: DESTINATION "${HMMKIT_INSTALL_CMAKEDIR}")
endfunction()
