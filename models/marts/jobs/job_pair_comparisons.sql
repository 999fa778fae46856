{#-
    Jobs that label the same data, one started from a previous job's model (treated) and one
    without (control): pairs found by a shared input manifest, plus the pairs declared in the
    job_pairings seed (taken as declared). Reductions are in percent of the control
    (positive = the treated job was faster or cheaper); shares are differences in percentage
    points.
-#}
with comparison as (
    select * from {{ ref('job_comparison') }}
),

declared as (
    select * from {{ ref('job_pairings') }}
),

same_manifest_pairs as (
    select
        t.labeling_job_name as treated_job_name,
        c.labeling_job_name as control_job_name,
        'same_input_manifest' as pair_source
    from comparison as t
    inner join comparison as c
        on
            lower(t.input_manifest_s3_uri) = lower(c.input_manifest_s3_uri)
            and t.labeling_job_name <> c.labeling_job_name
    where t.has_initial_model and not c.has_initial_model
),

declared_pairs as (
    select
        lower(treated_job_name) as treated_job_name,
        lower(control_job_name) as control_job_name,
        'declared' as pair_source
    from declared
),

candidates as (
    select * from same_manifest_pairs
    union all
    select * from declared_pairs
),

pairs as (
    select
        treated_job_name,
        control_job_name,
        bool_or(pair_source = 'same_input_manifest') as is_same_input_manifest,
        bool_or(pair_source = 'declared') as is_declared
    from candidates
    group by treated_job_name, control_job_name
),

final as (
    select
        p.treated_job_name,
        p.control_job_name,
        p.is_same_input_manifest,
        p.is_declared,
        t.is_terminal and c.is_terminal as are_both_terminal,
        t.elapsed_seconds as treated_elapsed_seconds,
        c.elapsed_seconds as control_elapsed_seconds,
        {{ percent_reduction('c.elapsed_seconds', 't.elapsed_seconds') }} as elapsed_reduction_pct,
        t.cost_total_usd as treated_cost_total_usd,
        c.cost_total_usd as control_cost_total_usd,
        {{ percent_reduction('c.cost_total_usd', 't.cost_total_usd') }} as cost_reduction_pct,
        t.cost_per_labeled_object_usd as treated_cost_per_labeled_object_usd,
        c.cost_per_labeled_object_usd as control_cost_per_labeled_object_usd,
        {{ percent_reduction('c.cost_per_labeled_object_usd', 't.cost_per_labeled_object_usd') }}
            as cost_per_labeled_object_reduction_pct,
        t.machine_labeled_share as treated_machine_labeled_share,
        c.machine_labeled_share as control_machine_labeled_share,
        100 * (t.machine_labeled_share - c.machine_labeled_share) as machine_labeled_share_difference_points,
        t.first_machine_iteration as treated_first_machine_iteration,
        c.first_machine_iteration as control_first_machine_iteration,
        t.iterations_before_auto_labeling as treated_iterations_before_auto_labeling,
        c.iterations_before_auto_labeling as control_iterations_before_auto_labeling,
        c.iterations_before_auto_labeling - t.iterations_before_auto_labeling
            as iterations_before_auto_labeling_saved,
        t.elapsed_seconds < c.elapsed_seconds as is_treated_faster,
        t.cost_total_usd < c.cost_total_usd as is_treated_cheaper,
        t.machine_labeled_share > c.machine_labeled_share as is_treated_more_automated
    from pairs as p
    inner join comparison as t on p.treated_job_name = t.labeling_job_name
    inner join comparison as c on p.control_job_name = c.labeling_job_name
)

select * from final
