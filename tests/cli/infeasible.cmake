# A well-formed scenario that cannot fit in GPU memory exits 3 and says how much it needs per GPU
# and how much the GPU has (Llama 3 405B without pipeline parallelism: 405B parameters over 8 GPUs).
execute_process(COMMAND ${TRAINSIM} step ${ROOT}/scenarios/llama3-405b.yaml
                        --set training.parallelism.pp=1 --set training.parallelism.vpp=1
                        --set training.parallelism.dp=2048
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "expected exit 3, got ${rc}: ${err}")
endif()
if(NOT err MATCHES "needs [0-9.]+ GiB per GPU, h100-sxm-80gb has 79.6 GiB")
  message(FATAL_ERROR "message does not give needed vs available GiB: ${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "stdout must stay empty on error, got: ${out}")
endif()
