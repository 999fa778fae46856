{#-
    Per workteam, labeling job and UTC hour of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks, the rates, and active workers (closed at least
    one task in the hour) on the job and in the whole team. A task counts in the hour it closed.

    Incremental: a row depends on its job (fast-task flags on the job median) and on its team and
    period (team_active_workers). So the team-periods in which a job changed since the last build
    has tasks are recomputed whole, every job in them, and replaced. extracted_at: the latest
    change marker in the team-period.
-#}
{{ incremental_model(unique_key=['workteam_name', 'closed_hour']) }}

{{ throughput_team_job('hour') }}
