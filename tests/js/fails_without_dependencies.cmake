# Proves the Node tests cannot pass by accident: each test file given must
# FAIL (non-zero exit of `node --test`) when okta-sandbox is missing and when
# its npm packages are missing (a copy of its folder without node_modules),
# never skip or report "tests 0" as a pass.
# Usage: cmake -DNODE=... -DBIN=<okta-sandbox> -DWORK_DIR=<scratch>
#              -DTESTS=<file>|<file>... -P fails_without_dependencies.cmake
string(REPLACE "|" ";" tests "${TESTS}")
set(failures "")
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(test_file IN LISTS tests)
  get_filename_component(dir "${test_file}" DIRECTORY)
  get_filename_component(name "${test_file}" NAME)
  get_filename_component(suite "${dir}" NAME)

  # 1. The binary is missing.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env OKTA_SANDBOX_BIN=${WORK_DIR}/no-such-okta-sandbox
                          ${NODE} --test ${test_file}
                  WORKING_DIRECTORY ${dir} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  if(rc EQUAL 0)
    string(APPEND failures "${suite}/${name} passed without okta-sandbox:\n${out}\n")
  else()
    message(STATUS "${suite}/${name} without okta-sandbox: fails (${rc}), as it must")
  endif()

  # 2. The npm packages are missing: the same files in a folder without node_modules.
  set(copy "${WORK_DIR}/${suite}")
  file(COPY "${dir}/" DESTINATION "${copy}" FILES_MATCHING PATTERN "*.mjs" PATTERN "node_modules" EXCLUDE)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env OKTA_SANDBOX_BIN=${BIN} ${NODE} --test ${copy}/${name}
                  WORKING_DIRECTORY ${copy} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  if(rc EQUAL 0)
    string(APPEND failures "${suite}/${name} passed without its npm packages:\n${out}\n")
  else()
    message(STATUS "${suite}/${name} without its npm packages: fails (${rc}), as it must")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
