# trainsim validate --json on the shipped suite: every case runs, and the fidelity stays where
# docs/validation.md says it is (mean |error| <= 8 %; the two documented outliers aside, every
# case within 15 %; the model-card carbon cases within 1 %). A model change that moves any case
# out of these bounds fails here.
execute_process(COMMAND ${TRAINSIM} validate --json --jobs 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "validate exited ${rc}: ${err}")
endif()
string(JSON mean GET "${out}" mean_abs_error)
if(mean GREATER 0.08)
  message(FATAL_ERROR "mean |error| ${mean} > 0.08")
endif()
string(JSON n LENGTH "${out}" cases)
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${out}" cases ${i} id)
  string(JSON e GET "${out}" cases ${i} error)
  if(e LESS 0)
    string(REPLACE "-" "" e "${e}")
  endif()
  string(JSON metric GET "${out}" cases ${i} metric)
  set(limit 0.15)
  if(metric STREQUAL "co2_t")
    set(limit 0.01)   # model-card carbon: GPU-hours x power x derived grid factor, within 1 %
  elseif(id STREQUAL "megatron-core-h100-weak-32B")
    set(limit 0.30)   # documented: exposed fp32 gradient reduce-scatter (docs/validation.md)
  elseif(id STREQUAL "llama3-405b-table4-row1")
    set(limit 0.20)   # documented: runs 1F1B, Meta's interleaved schedule does not fit our memory model
  endif()
  if(e GREATER ${limit})
    message(FATAL_ERROR "${id}: |error| ${e} > ${limit}")
  endif()
endforeach()
message(STATUS "validation: ${n} cases, mean |error| ${mean}")
