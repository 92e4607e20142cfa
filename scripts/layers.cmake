# Each layer of liaison is a folder and a static library, liaison_<folder>,
# that may use only the layers it names and the layers below them. A layer's
# include root (in the build tree) holds a link to its own folder and nothing
# else, so a header of a layer not named cannot be found: an upward
# `#include` fails to build instead of creeping in. tests/layering.sh checks
# what the compiler cannot: each C library is used by its own layer only.
function(liaison_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 LAYER "" "" "SOURCES;USES;LIBRARIES")
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${name} SYMBOLIC)
  add_library(liaison_${name} STATIC ${LAYER_SOURCES})
  target_include_directories(liaison_${name} PUBLIC ${root})
  list(TRANSFORM LAYER_USES PREPEND liaison_)
  target_link_libraries(liaison_${name} PUBLIC ${LAYER_USES} ${LAYER_LIBRARIES})
endfunction()
