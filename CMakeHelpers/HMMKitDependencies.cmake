# The two Swift packages HMMKit depends on, at the versions Package.swift asks for, built as
# modules of this project:
#   swift-numerics         RealModule, ComplexModule (and the C module _NumericsShims they import);
#                          installed with HMMKit, because HMMKitNumerics imports them publicly.
#   swift-argument-parser  ArgumentParser (and ArgumentParserToolInfo); static, linked into the
#                          `hmmkit` executable only, never installed.
#
# Their sources come through FetchContent from the same URLs as in Package.swift (a machine whose
# git maps github.com to a local mirror never touches the network). To build offline from
# checkouts you already have (for instance the ones `swift package resolve` leaves in
# .build/checkouts), pass them instead:
#   -DFETCHCONTENT_SOURCE_DIR_SWIFTNUMERICS=.build/checkouts/swift-numerics
#   -DFETCHCONTENT_SOURCE_DIR_SWIFTARGUMENTPARSER=.build/checkouts/swift-argument-parser
#
# Both packages ship a CMakeLists.txt, but neither puts its targets in an export set nor installs
# _NumericsShims' module map, so an installed HMMKit could not be consumed with them; their
# modules are therefore compiled here from the same source folders SwiftPM uses, with the same
# language modes (swift-numerics: tools 5.9, Swift 5; swift-argument-parser: tools 6.0, Swift 6).
include_guard(GLOBAL)
include(FetchContent)
include(HMMKitModules)

set(HMMKIT_SWIFT_NUMERICS_VERSION 1.1.1 CACHE STRING "swift-numerics tag to build (Package.swift: from 1.1.1)")
set(HMMKIT_SWIFT_ARGUMENT_PARSER_VERSION 1.8.2 CACHE STRING "swift-argument-parser tag to build (Package.swift: from 1.8.2)")

# SOURCE_SUBDIR names a folder without CMakeLists.txt, so that FetchContent only brings the
# sources and does not add the packages' own CMake projects.
FetchContent_Declare(SwiftNumerics
    GIT_REPOSITORY https://github.com/apple/swift-numerics
    GIT_TAG ${HMMKIT_SWIFT_NUMERICS_VERSION}
    GIT_SHALLOW TRUE
    SOURCE_SUBDIR hmmkit-sources-only)
FetchContent_Declare(SwiftArgumentParser
    GIT_REPOSITORY https://github.com/apple/swift-argument-parser
    GIT_TAG ${HMMKIT_SWIFT_ARGUMENT_PARSER_VERSION}
    GIT_SHALLOW TRUE
    SOURCE_SUBDIR hmmkit-sources-only)
FetchContent_MakeAvailable(SwiftNumerics SwiftArgumentParser)

set(numerics "${swiftnumerics_SOURCE_DIR}/Sources")
# _NumericsShims: static inline C functions behind a module map of its own (its .c file is empty).
add_library(_NumericsShims INTERFACE)
target_include_directories(_NumericsShims INTERFACE
    "$<BUILD_INTERFACE:${numerics}/_NumericsShims/include>"
    "$<INSTALL_INTERFACE:${HMMKIT_INSTALL_MODULEMAPDIR}/_NumericsShims>")
target_link_libraries(_NumericsShims INTERFACE m)
set_property(TARGET _NumericsShims PROPERTY HMMKIT_MODULEMAP_DIR "${numerics}/_NumericsShims/include")
_hmmkit_register_installed(_NumericsShims SYSTEM_MODULES)

hmmkit_add_swift_module(RealModule SOURCE_DIR "${numerics}/RealModule"
    PACKAGE swift_numerics SWIFT_VERSION 5 DEPENDS _NumericsShims)
hmmkit_add_swift_module(ComplexModule SOURCE_DIR "${numerics}/ComplexModule"
    PACKAGE swift_numerics SWIFT_VERSION 5 DEPENDS RealModule)

set(parser "${swiftargumentparser_SOURCE_DIR}/Sources")
hmmkit_add_swift_module(ArgumentParserToolInfo SOURCE_DIR "${parser}/ArgumentParserToolInfo"
    PACKAGE swift_argument_parser STATIC NO_INSTALL)
hmmkit_add_swift_module(ArgumentParser SOURCE_DIR "${parser}/ArgumentParser"
    PACKAGE swift_argument_parser STATIC NO_INSTALL DEPENDS ArgumentParserToolInfo)
