# The third-party libraries liaison links, as one interface target:
# liaison_dependencies (libgit2, SQLite, libphonenumber, ICU, OpenSSL, zlib,
# libdeflate, libxml2 with liblzma).
#
# With LIAISON_STATIC_DEPS (the default) they come from Debian's static
# archives and the C++ runtime is linked in too. A dynamically linked liaison
# maps 36 shared libraries and resolves 13,000 symbols before main(): 12 ms for
# `liaison --version`, against 4 ms static, and that cost is paid by every
# command. libc, libm and the Kerberos libraries (used by libgit2's HTTP
# Negotiate; Debian ships no static archive of them) stay shared.
#
# Programs and tests also compile LIAISON_PROGRAM_SOURCES (see
# process/skip_libgit2_ca_bundle.cc): with a static libgit2 it is reached through
# the linker's --wrap, with a shared one by interposition.
# LIAISON_SKIP_LIBGIT2_CA_BUNDLE=OFF builds without it, for the A/B of
# tests/bench/bench_process_tricks.sh.

option(LIAISON_STATIC_DEPS "Link third-party libraries and the C++ runtime statically (faster start of every command)" ON)

option(LIAISON_SKIP_LIBGIT2_CA_BUNDLE "Keep libgit2's initialisation from parsing the system CA bundle" ON)

add_library(liaison_dependencies INTERFACE)
set(LIAISON_PROGRAM_SOURCES "")
if(LIAISON_SKIP_LIBGIT2_CA_BUNDLE)
  set(LIAISON_PROGRAM_SOURCES ${PROJECT_SOURCE_DIR}/process/skip_libgit2_ca_bundle.cc)
endif()
# libxml2 (IATI XML, io/iati_export.cc and io/iati_import.cc): its headers live in include/libxml2.
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
target_include_directories(liaison_dependencies INTERFACE ${LIBXML2_INCLUDE_DIRS})

if(LIAISON_STATIC_DEPS)
  set(static_names
    git2 mbedtls mbedx509 mbedcrypto http_parser ssh2 pcre2-8
    sqlite3
    phonenumber protobuf
    absl_hash absl_raw_hash_set absl_city absl_low_level_hash absl_strings
    absl_strings_internal absl_throw_delegate absl_raw_logging_internal
    absl_int128 absl_base absl_spinlock_wait
    icui18n icuuc icudata
    xml2 lzma
    ssl crypto z deflate)
  set(static_archives "")
  foreach(name IN LISTS static_names)
    find_library(LIAISON_STATIC_${name} NAMES lib${name}.a)
    if(NOT LIAISON_STATIC_${name})
      message(FATAL_ERROR "lib${name}.a not found: install its -dev package (scripts/install-deps.sh), "
                          "or configure with -DLIAISON_STATIC_DEPS=OFF")
    endif()
    list(APPEND static_archives ${LIAISON_STATIC_${name}})
  endforeach()
  find_library(GSSAPI_LIB NAMES gssapi_krb5 libgssapi_krb5.so.2 REQUIRED)
  # One group: these archives refer to each other in both directions.
  target_link_libraries(liaison_dependencies INTERFACE
    "-Wl,--start-group" ${static_archives} "-Wl,--end-group"
    ${GSSAPI_LIB} Threads::Threads ${CMAKE_DL_LIBS} rt m)
  if(LIAISON_SKIP_LIBGIT2_CA_BUNDLE)
    target_link_options(liaison_dependencies INTERFACE LINKER:--wrap=mbedtls_x509_crt_parse_file)
  endif()
  if(NOT LIAISON_SANITIZE)  # the sanitizers bring their own operator new
    target_link_options(liaison_dependencies INTERFACE -static-libstdc++ -static-libgcc)
  endif()
  target_compile_definitions(liaison_dependencies INTERFACE LIAISON_STATIC_LIBGIT2=1)
else()
  pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
  pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
  find_package(ICU REQUIRED COMPONENTS uc i18n)
  find_package(OpenSSL REQUIRED)
  find_package(ZLIB REQUIRED)
  find_library(PHONENUMBER_LIB phonenumber REQUIRED)
  find_library(DEFLATE_LIB deflate REQUIRED)
  find_library(PROTOBUF_LIB protobuf REQUIRED)  # libphonenumber's PhoneNumber is a protobuf message
  target_link_libraries(liaison_dependencies INTERFACE
    PkgConfig::LIBGIT2 PkgConfig::SQLITE3 ${PHONENUMBER_LIB} ${PROTOBUF_LIB} ICU::i18n ICU::uc
    OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB ${DEFLATE_LIB} PkgConfig::LIBXML2 Threads::Threads)
endif()
