# step --allow-memory-overflow: a scenario whose memory estimate exceeds HBM exits 3 without the
# flag; with it, the step is simulated after a warning that gives needed vs available GiB (Llama 3
# Table 4 row 1 layout: vpp 4 at 32 micro-batches, which Meta trained in 80 GB).
set(case ${ROOT}/tests/validation/llama3-405b-table4-row1.yaml)
execute_process(COMMAND ${TRAINSIM} step ${case} --set platform.nodes=128 --set gpus=1024 --set training.parallelism.dp=8
                        --set training.global_batch=256
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "without the flag: expected exit 3, got ${rc}: ${err}")
endif()
execute_process(COMMAND ${TRAINSIM} step ${case} --set platform.nodes=128 --set gpus=1024 --set training.parallelism.dp=8
                        --set training.global_batch=256 --allow-memory-overflow --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "with --allow-memory-overflow: expected exit 0, got ${rc}: ${err}")
endif()
if(NOT err MATCHES "warning: does not fit in GPU memory: pipeline stage [0-9]+ needs [0-9.]+ GiB per GPU, h100-sxm-80gb has 79.6 GiB")
  message(FATAL_ERROR "expected a warning with needed vs available GiB, got: ${err}")
endif()
if(NOT err MATCHES "simulated anyway")
  message(FATAL_ERROR "the warning must say the step was simulated anyway: ${err}")
endif()
string(JSON mem GET "${out}" step memory_per_gpu_gib)
string(JSON cap GET "${out}" step memory_capacity_gib)
if(NOT mem GREATER cap)
  message(FATAL_ERROR "the report must show the estimate above capacity: ${mem} vs ${cap}")
endif()
