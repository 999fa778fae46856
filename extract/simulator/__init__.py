"""A seeded simulator of a SageMaker Ground Truth operation with a private workforce.

``simulate(out)`` writes the operation as an AWS mirror folder: the files a user would get by
calling FilterLogEvents / CreateExportTask, Cognito ListUsers / ListUsersInGroup,
DescribeWorkteam, DescribeLabelingJob and GetMetricData with the AWS CLI, plus the S3 objects of
the labeling jobs. The operation has a chain of jobs that reuse each other's active-learning
model (``birds-od-chain-a`` -> ``-b`` -> ``-d``) and a control job (``birds-od-control-c``) on
the same data as ``-b`` without the model.
"""

from extract.simulator.simulation import simulate
from extract.simulator.summary import SimulationSummary

__all__ = ["SimulationSummary", "simulate"]
