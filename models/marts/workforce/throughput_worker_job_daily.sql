{#-
    Per worker, labeling job and UTC day of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks and the rates. A task counts on the day it closed.

    Incremental: every row of a job depends on the job (its fast-task flags on the job median),
    so jobs changed since the last build (fct_task_outcomes.extracted_at) are recomputed whole.
-#}
{{ incremental_model(unique_key='labeling_job_name') }}

{{ throughput_worker_job('day') }}
