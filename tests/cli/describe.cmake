# describe --json of Meta's Llama 3 cluster: 24,576 GPUs on 3,072 nodes, 8 pods, bisection limited
# by the 1:7 layer above the pods, IT peak = nodes x 10.2 kW (DGX H100 rating).
execute_process(COMMAND ${TRAINSIM} describe ${ROOT}/platforms/meta-llama3-h100.yaml --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "describe exited ${rc}: ${err}")
endif()
string(JSON gpus GET "${out}" gpus)
string(JSON nodes GET "${out}" nodes)
string(JSON pods GET "${out}" pods)
string(JSON it GET "${out}" power it_peak_mw)
string(JSON bis GET "${out}" bisection_tbps)
if(NOT gpus EQUAL 24576 OR NOT nodes EQUAL 3072 OR NOT pods EQUAL 8)
  message(FATAL_ERROR "gpus/nodes/pods = ${gpus}/${nodes}/${pods}")
endif()
# 24,576 x 400 Gb/s / 7 / 2 = 702 Tb/s
if(bis LESS 700 OR bis GREATER 705)
  message(FATAL_ERROR "bisection ${bis} Tb/s, expected ~702")
endif()
if(it LESS 31.3 OR it GREATER 31.4)
  message(FATAL_ERROR "IT peak ${it} MW, expected 3072 x 10.2 kW = 31.33 MW")
endif()
# xAI Colossus, 100,000 H100: facility peak within the 110-180 MW the seeds give (~140 MW).
execute_process(COMMAND ${TRAINSIM} describe ${ROOT}/platforms/xai-colossus-h100.yaml --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "describe colossus exited ${rc}: ${err}")
endif()
string(JSON fac GET "${out}" power facility_peak_mw)
if(fac LESS 110 OR fac GREATER 180)
  message(FATAL_ERROR "Colossus facility peak ${fac} MW outside 110-180 MW")
endif()
# Meta's 24,576-GPU platform: IT peak within 26-40 MW (seeds: ~33 MW of critical IT power).
if(it LESS 26 OR it GREATER 40)
  message(FATAL_ERROR "Meta IT peak ${it} MW outside 26-40 MW")
endif()
