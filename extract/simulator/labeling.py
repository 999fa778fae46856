"""Labeling jobs as SageMaker describes them, and what they leave in S3.

For every job the S3 output agrees with ``LabelCounters``: HumanLabeled is the number of
distinct objects in the consolidation responses, MachineLabeled the number of lines in the
auto-annotator outputs, and the output manifest has one line per input object. Each output
line is its input line plus the job's ``<attr>`` and ``<attr>-metadata``; an object not labeled
yet (a stopped or running job) keeps its input line as it was [doc: sms-data-output.html]. A
job chained on an earlier job's output manifest therefore writes lines with both jobs' labels
[doc: sms-reusing-data.html], and 3D point-cloud lines keep ``source-ref-metadata`` first. A
running job's manifest is rewritten as it progresses (``JobPlan.manifest_versions``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from extract.simulator import account
from extract.simulator.plan import (
    ADJUST_BOUNDING_BOX,
    IMAGE_CLASSIFICATION,
    POINT_CLOUD_DETECTION,
    JobPlan,
    OperationPlan,
)
from extract.simulator.scheduler import JobRun
from extract.simulator.seeding import rng_for
from extract.simulator.workforce import Workforce

_SIZES = ((640, 480), (800, 600), (1024, 768), (1280, 960), (1600, 1200))
_OBJECT_FAILURE = "ClientError: The image could not be decoded: the file is truncated."
AUTO_SUBDIR = "auto_annotator_output"


def s3_uri(key: str) -> str:
    return f"s3://{account.BUCKET}/{key}"


def image_key(job: JobPlan, object_id: int) -> str:
    if job.kind is POINT_CLOUD_DETECTION:
        return f"{job.image_keys_prefix}frame_{job.first_image + object_id:06d}.bin"
    stem = "SPC" if job.kind is IMAGE_CLASSIFICATION else "IMG"
    return f"{job.image_keys_prefix}{stem}_{job.first_image + object_id:06d}.jpg"


def _input_lines(job: JobPlan, oids: np.ndarray) -> pl.Series:
    """The input-manifest line (JSON, no newline) of each object of a job that is not chained."""
    numbers = pl.Series(oids + job.first_image).cast(pl.String).str.zfill(6)
    if job.kind is POINT_CLOUD_DETECTION:
        # A point-cloud frame: its format, timestamp and the vehicle's pose (world coordinates)
        # [doc: sms-point-cloud-single-frame-input-data.html].
        stem = s3_uri(image_key(job, 0)).rsplit("_", 1)[0] + "_"
        t = (1_790_000_000 + (oids + job.first_image) * 0.1).round(6)
        return pl.select(
            pl.concat_str([
                pl.lit('{"source-ref": "' + stem), pl.lit(numbers), pl.lit('.bin", '),
                pl.lit('"source-ref-metadata": {"format": "binary/xyzi", "unix-timestamp": '),
                pl.lit(pl.Series(t)).cast(pl.String),
                pl.lit(', "ego-vehicle-pose": {"position": {"x": '),
                pl.lit(pl.Series(np.round(oids * 1.7 - 2.7, 3))).cast(pl.String),
                pl.lit(', "y": 116.2, "z": 1.9}, "heading": {"qx": -0.02, "qy": -0.01, '
                       '"qz": -0.89, "qw": 0.45}}, "prefix": "'
                       + s3_uri(job.image_keys_prefix) + '", "images": []}}'),
            ])
        ).to_series()  # fmt: skip
    stem = s3_uri(image_key(job, 0)).rsplit("_", 1)[0] + "_"
    return pl.select(
        pl.concat_str([pl.lit('{"source-ref": "' + stem), pl.lit(numbers), pl.lit('.jpg"}')])
    ).to_series()


def output_manifest_key(job: JobPlan) -> str:
    return f"{job.output_prefix}{job.name}/manifests/output/output.manifest"


def final_model_arn(job: JobPlan) -> str | None:
    if not job.auto_labeling:
        return None
    trained = [it.number for it in job.iterations[: job.run_iterations] if it.needs_training]
    if not trained:
        return None
    return account.model_arn(f"{job.name}-al-model-{trained[-1]:02d}")


class S3Writer:
    def __init__(self, out: Path, plan: OperationPlan) -> None:
        self.root = out / "s3" / account.BUCKET
        self.plan = plan
        self.written_keys: set[str] = set()
        self._folders: set[Path] = set()
        self.objects = 0
        # output-manifest lines of the jobs another job is chained on, by object id
        self._chained_on = {j.chained_from for j in plan.jobs if j.chained_from}
        self.output_lines: dict[str, pl.Series] = {}
        # job -> [(iterations, labeled objects, bytes)] of every output.manifest version written
        self.manifest_versions: dict[str, list[dict]] = {}

    def _put(self, key: str, data: str | bytes) -> None:
        path = self.root / key
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        if isinstance(data, str):
            data = data.encode()
        path.write_bytes(data)
        self.written_keys.add(key)
        self.objects += 1

    def write_inputs(self, job: JobPlan) -> None:
        """The input manifest, the label categories and the worker UI template (a chained
        job's input manifest is the earlier job's output manifest, written when it ends)."""
        if job.chained_from is None and job.manifest_key not in self.written_keys:
            lines = _input_lines(job, np.arange(job.n_objects))
            self._put(job.manifest_key, "".join(line + "\n" for line in lines.to_list()))
        if job.label_config_key not in self.written_keys:
            doc = {
                "document-version": "2018-11-28",
                "labels": [{"label": c} for c in job.kind.classes],
            }
            self._put(job.label_config_key, json.dumps(doc, indent=2) + "\n")
        if job.kind is not POINT_CLOUD_DETECTION and job.template_key not in self.written_keys:
            self._put(job.template_key, _template(job))

    def write_output(self, run: JobRun) -> None:
        """Consolidation responses, auto-annotator output and (when completed) the output
        manifest of one job; all label text is built in one go."""
        job = run.plan
        seed = self.plan.seed
        prefix = f"{job.output_prefix}{job.name}/"
        oid, human, created_us, iteration, file_ms = [], [], [], [], []
        for rec in run.records:
            for ids, is_human, at_ms in (
                (rec.human, True, rec.object_done_ms),
                (rec.machine, False, np.full(len(rec.machine), rec.machine_ms, np.int64)),
            ):
                if not len(ids):
                    continue
                jitter = rng_for(seed, "creation-us", job.name, rec.number, is_human).integers(
                    0, 1000 if is_human else 900_000, len(ids)
                )
                oid.append(ids)
                human.append(np.full(len(ids), is_human))
                created_us.append(at_ms * 1000 + jitter)
                iteration.append(np.full(len(ids), rec.number))
                # a consolidation run every half hour, and one when the iteration ends
                batch = np.minimum(
                    -(-at_ms // 1_800_000) * 1_800_000, -(-rec.done_ms // 1000) * 1000
                )
                file_ms.append(np.where(is_human, batch, 0))
        if not oid:
            return
        c = {
            "oid": np.concatenate(oid),
            "human": np.concatenate(human),
            "created_us": np.concatenate(created_us),
            "iteration": np.concatenate(iteration),
            "file_ms": np.concatenate(file_ms),
        }
        content = _Labeler(job, seed).contents(
            c["oid"], human=c["human"], created_us=c["created_us"]
        )
        rows = pl.DataFrame(
            {k: c[k] for k in ("oid", "human", "iteration", "file_ms")}
        ).with_columns(content=content)
        # consolidation responses: JSON arrays, one file per (iteration, consolidation run)
        humans = rows.filter(pl.col("human")).sort(["iteration", "file_ms"], maintain_order=True)
        items = humans.select(
            pl.concat_str(
                [pl.lit('{"datasetObjectId": "'), pl.col("oid").cast(pl.String),
                 pl.lit('", "consolidatedAnnotation": {"content": '), pl.col("content"),
                 pl.lit("}}")]
            )
        ).to_series()  # fmt: skip
        keys = humans.select("iteration", "file_ms").to_numpy()
        for a, b in _runs(keys):
            number, f_ms = int(keys[a, 0]), int(keys[a, 1])
            stamp = account.to_datetime(f_ms).strftime("%Y-%m-%d_%H:%M:%S")
            key = (
                f"{prefix}annotations/consolidated-annotation/consolidation-response/"
                f"iteration-{number}/{stamp}.json"
            )
            self._put(key, "[" + ", ".join(items.slice(a, b - a).to_list()) + "]")
        # auto-annotator output: "<id> <json>" lines, one file per iteration
        machines = rows.filter(~pl.col("human")).sort("iteration", maintain_order=True)
        lines = machines.select(
            pl.concat_str([pl.col("oid").cast(pl.String), pl.lit(" "), pl.col("content"),
                           pl.lit("\n")])
        ).to_series()  # fmt: skip
        keys = machines.select("iteration").to_numpy()
        for a, b in _runs(keys):
            key = (
                f"{prefix}activelearning/{int(keys[a, 0])}/{AUTO_SUBDIR}/auto_annotator_output.txt"
            )
            self._put(key, "".join(lines.slice(a, b - a).to_list()))
        if job.outcome == "Failed":
            return  # a failed job leaves its labels, no output manifest
        failure = _Labeler(job, seed).failure(run.ended_ms)
        versions = job.manifest_versions or (job.run_iterations,)
        for number in versions:
            self._write_manifest(job, rows, failure, upto=number, last=number == versions[-1])

    def _write_manifest(
        self, job: JobPlan, rows: pl.DataFrame, failure: str, *, upto: int, last: bool
    ) -> None:
        """One version of output.manifest: the objects labeled in iterations 1..``upto`` carry
        the label, the failed objects a failure, the others their input line unchanged."""
        if job.chained_from is not None:
            inputs = self.output_lines[job.chained_from]
        else:
            inputs = _input_lines(job, np.arange(job.n_objects))
        labeled = rows.filter(pl.col("iteration") <= upto).select("oid", "content")
        if len(job.failed_objects):
            failed = pl.DataFrame(
                {"oid": job.failed_objects, "content": [failure] * len(job.failed_objects)}
            )
            labeled = pl.concat([labeled, failed], how="vertical_relaxed")
        if labeled["oid"].n_unique() != len(labeled):
            raise RuntimeError(f"{job.name}: an object is labeled twice in one manifest")
        if job.outcome == "Completed" and len(labeled) != job.n_objects:
            raise RuntimeError(f"{job.name}: a completed job must label every object once")
        # an output line is the input line with the label added at its end
        with_label = pl.concat_str(
            [pl.col("input").str.slice(0, pl.col("input").str.len_chars() - 1),
             pl.lit(", "), pl.col("content").str.slice(1)]
        )  # fmt: skip
        lines = (
            pl.DataFrame({"oid": np.arange(job.n_objects), "input": inputs})
            .join(labeled, on="oid", how="left")
            .sort("oid")
            .select(
                pl.when(pl.col("content").is_null()).then(pl.col("input")).otherwise(with_label)
            )
            .to_series()
        )
        text = "".join(line + "\n" for line in lines.to_list())
        self._put(output_manifest_key(job), text)
        if len(job.manifest_versions) > 1:
            self.manifest_versions.setdefault(job.name, []).append(
                {"iterations": upto, "labeled_objects": int(labeled.height),
                 "bytes": len(text.encode())}
            )  # fmt: skip
        if last and job.name in self._chained_on:
            self.output_lines[job.name] = lines


def _runs(keys: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of equal rows in a sorted 2-D array."""
    if not len(keys):
        return []
    change = np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)]
    starts = np.flatnonzero(change)
    return list(zip(starts.tolist(), np.r_[starts[1:], len(keys)].tolist(), strict=True))


class _Labeler:
    """Deterministic label content for the objects of one job, built column-wise."""

    def __init__(self, job: JobPlan, seed: int) -> None:
        self.job = job
        self.attr = job.kind.label_attribute
        self.job_name = f"labeling-job/{job.name}"
        # a chained job sees the earlier job's images: same sizes and (adjusted) boxes
        rng = rng_for(seed, "labels", job.chained_from or job.name)
        n = job.n_objects
        self.size = rng.integers(0, len(_SIZES), n)
        self.n_boxes = rng.integers(1, 5, n)
        self.cls = rng.integers(0, len(job.kind.classes), (n, 4))
        self.geo = rng.random((n, 4, 4))
        self.conf = rng.uniform(0.55, 0.99, (n, 4))
        self.machine_conf = rng.uniform(0.6, 0.97, (n, 4))
        self.class_map = json.dumps({str(i): c for i, c in enumerate(job.kind.classes)})
        self.adjusted = rng.random(n) < 0.3  # adjustment jobs: boxes a worker changed

    def contents(self, oids: np.ndarray, *, human: np.ndarray, created_us: np.ndarray) -> pl.Series:
        """``{"<attr>": ..., "<attr>-metadata": {...}}`` for each object, as JSON text."""
        kind = self.job.kind
        conf = np.where(human[:, None], self.conf[oids], self.machine_conf[oids])
        if self.job.workers_per_object == 1:
            conf[human] = 0.0  # a single worker gives no consensus score
        cents = np.rint(conf * 100).astype(np.int64)
        df = pl.DataFrame(
            {"created": pl.Series(created_us).cast(pl.Datetime("us")), "human": human}
            | {f"c{b}": cents[:, b] for b in range(4)}
        )
        confidence = [
            pl.concat_str([pl.lit("0."), pl.col(f"c{b}").cast(pl.String).str.zfill(2)])
            for b in range(4)
        ]
        adjustment = []
        if kind is ADJUST_BOUNDING_BOX:
            df = df.with_columns(adjusted=self.adjusted[oids])
            adjustment = [
                pl.lit('"adjustment-status": "'),
                pl.when(pl.col("adjusted"))
                .then(pl.lit("adjusted"))
                .otherwise(pl.lit("unadjusted")),
                pl.lit('", '),
            ]
        meta_tail = [
            *adjustment,
            pl.lit(f'"type": "{kind.task_type}", "human-annotated": "'),
            pl.when(pl.col("human")).then(pl.lit("yes")).otherwise(pl.lit("no")),
            pl.lit('", "creation-date": "'),
            pl.col("created").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
            pl.lit(f'", "job-name": "{self.job_name}"}}}}'),
        ]  # fmt: skip
        if kind is POINT_CLOUD_DETECTION:
            return self._cuboids(df, oids, confidence, meta_tail)
        if kind is IMAGE_CLASSIFICATION:
            c = self.cls[oids, 0]
            df = df.with_columns(cls=c, name=pl.Series(kind.classes).gather(c))
            pieces = [
                pl.lit(f'{{"{self.attr}": '),
                pl.col("cls").cast(pl.String),
                pl.lit(f', "{self.attr}-metadata": {{"class-name": "'),
                pl.col("name"),
                pl.lit('", "confidence": '),
                confidence[0],
                pl.lit(", "),
                *meta_tail,
            ]
            return df.select(pl.concat_str(pieces)).to_series()
        sizes = np.array(_SIZES)[self.size[oids]]
        w, h = sizes[:, :1], sizes[:, 1:]
        g = self.geo[oids]
        if kind is ADJUST_BOUNDING_BOX:  # the worker tightened the boxes marked adjusted
            g = g.copy()
            g[self.adjusted[oids], :, 2:] *= 0.9
        bw = np.maximum(8, (g[:, :, 2] * w * 0.4).astype(np.int64))
        bh = np.maximum(8, (g[:, :, 3] * h * 0.4).astype(np.int64))
        left = (g[:, :, 0] * (w - bw)).astype(np.int64)
        top = (g[:, :, 1] * (h - bh)).astype(np.int64)
        cls = self.cls[oids]
        cols = {"n": self.n_boxes[oids], "w": w[:, 0], "h": h[:, 0]}
        for b in range(4):
            cols |= {f"k{b}": cls[:, b], f"l{b}": left[:, b], f"t{b}": top[:, b],
                     f"bw{b}": bw[:, b], f"bh{b}": bh[:, b]}  # fmt: skip
        df = df.with_columns(**cols)

        def box(b: int) -> pl.Expr:
            return pl.concat_str(
                [pl.lit('{"class_id": '), pl.col(f"k{b}").cast(pl.String),
                 pl.lit(', "left": '), pl.col(f"l{b}").cast(pl.String),
                 pl.lit(', "top": '), pl.col(f"t{b}").cast(pl.String),
                 pl.lit(', "width": '), pl.col(f"bw{b}").cast(pl.String),
                 pl.lit(', "height": '), pl.col(f"bh{b}").cast(pl.String), pl.lit("}")]
            )  # fmt: skip

        def joined(item) -> list[pl.Expr]:
            return [item(0)] + [
                pl.when(pl.col("n") > b)
                .then(pl.concat_str([pl.lit(", "), item(b)]))
                .otherwise(pl.lit(""))
                for b in range(1, 4)
            ]

        pieces = [
            pl.lit(f'{{"{self.attr}": {{"image_size": [{{"width": '),
            pl.col("w").cast(pl.String),
            pl.lit(', "height": '),
            pl.col("h").cast(pl.String),
            pl.lit(', "depth": 3}], "annotations": ['),
            *joined(box),
            pl.lit(f']}}, "{self.attr}-metadata": {{"objects": ['),
            *joined(
                lambda b: pl.concat_str([pl.lit('{"confidence": '), confidence[b], pl.lit("}")])
            ),
            pl.lit(f'], "class-map": {self.class_map}, '),
            *meta_tail,
        ]
        return df.select(pl.concat_str(pieces)).to_series()

    def _cuboids(self, df: pl.DataFrame, oids: np.ndarray, confidence, meta_tail) -> pl.Series:
        """3D point-cloud object detection: one cuboid per object in the frame
        [doc: sms-data-output.html, 3D point cloud object detection output]."""
        g = self.geo[oids]
        k = self.cls[oids, 0]
        df = df.with_columns(
            label=pl.Series(self.job.kind.classes).gather(k),
            cx=np.round(g[:, 0, 0] * 80 - 40, 3), cy=np.round(g[:, 0, 1] * 80 - 40, 3),
            cz=np.round(g[:, 0, 2] * 2 - 1, 3), ln=np.round(1 + g[:, 0, 3] * 4, 3),
            wd=np.round(0.6 + g[:, 1, 0] * 1.6, 3), ht=np.round(1 + g[:, 1, 1] * 1.2, 3),
            yaw=np.round(g[:, 1, 2] * 6.28 - 3.14, 3),
        )  # fmt: skip

        def num(c: str) -> pl.Expr:
            return pl.col(c).cast(pl.String)

        pieces = [
            pl.lit(f'{{"{self.attr}": {{"boundingBoxes": [{{"label": "'), pl.col("label"),
            pl.lit('", "centerX": '), num("cx"), pl.lit(', "centerY": '), num("cy"),
            pl.lit(', "centerZ": '), num("cz"), pl.lit(', "length": '), num("ln"),
            pl.lit(', "width": '), num("wd"), pl.lit(', "height": '), num("ht"),
            pl.lit(', "roll": 0, "pitch": 0, "yaw": '), num("yaw"),
            pl.lit(f'}}]}}, "{self.attr}-metadata": {{"objects": [{{"confidence": '),
            confidence[0], pl.lit(f'}}], "class-map": {self.class_map}, '), *meta_tail,
        ]  # fmt: skip
        return df.select(pl.concat_str(pieces)).to_series()

    def failure(self, ended_ms: int) -> str:
        return (
            f'{{"{self.attr}-metadata": {{"failure-reason": "{_OBJECT_FAILURE}", '
            f'"type": "{self.job.kind.task_type}", "job-name": "{self.job_name}", '
            f'"creation-date": "{account.iso_micro(ended_ms)}"}}}}'
        )


def _template(job: JobPlan) -> str:
    tag = "crowd-image-classifier" if job.kind is IMAGE_CLASSIFICATION else "crowd-bounding-box"
    labels = json.dumps(list(job.kind.classes))
    return (
        '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>\n'
        "<crowd-form>\n"
        f'  <{tag} name="annotatedResult" src="{{{{ task.input.taskObject | grant_read_access }}}}"'
        f" header=\"{job.kind.title}\" labels='{labels}'>\n"
        f'    <full-instructions header="Instructions">{job.kind.description}'
        "</full-instructions>\n"
        f"    <short-instructions>{job.kind.description}</short-instructions>\n"
        f"  </{tag}>\n"
        "</crowd-form>\n"
    )


# ------------------------------------------------------------------------------------------
# DescribeLabelingJob
# ------------------------------------------------------------------------------------------


def describe_labeling_job(run: JobRun, plan: OperationPlan, workforce: Workforce) -> dict:
    job = run.plan
    human = job.human_labeled
    machine = job.machine_labeled
    failed = len(job.failed_objects)
    doc: dict = {
        "LabelingJobStatus": job.outcome,
        "LabelCounters": {
            "TotalLabeled": human + machine,
            "HumanLabeled": human,
            "MachineLabeled": machine,
            "FailedNonRetryableError": failed,
            "Unlabeled": job.n_objects - human - machine - failed,
        },
    }
    if job.failure_reason:
        doc["FailureReason"] = job.failure_reason
    doc.update(
        {
            "CreationTime": account.cli_time(run.created_ms),
            "LastModifiedTime": account.cli_time(run.ended_ms),
            "JobReferenceCode": job.reference_code,
            "LabelingJobName": job.name,
            "LabelingJobArn": account.labeling_job_arn(job.name),
            "LabelAttributeName": job.kind.label_attribute,
            "InputConfig": {
                "DataSource": {"S3DataSource": {"ManifestS3Uri": s3_uri(job.manifest_key)}},
                "DataAttributes": {
                    "ContentClassifiers": [
                        "FreeOfPersonallyIdentifiableInformation",
                        "FreeOfAdultContent",
                    ]
                },
            },
            "OutputConfig": {"S3OutputPath": s3_uri(job.output_prefix), "KmsKeyId": ""},
            "RoleArn": account.ROLE_ARN,
            "LabelCategoryConfigS3Uri": s3_uri(job.label_config_key),
        }
    )
    if job.auto_labeling:
        doc["StoppingConditions"] = {"MaxPercentageOfInputDatasetLabeled": 100}
        algo: dict = {"LabelingJobAlgorithmSpecificationArn": account.algorithm_arn(
            job.kind.algorithm
        )}  # fmt: skip
        if job.warm_from:
            algo["InitialActiveLearningModelArn"] = final_model_arn(plan.job(job.warm_from))
        algo["LabelingJobResourceConfig"] = {"VolumeKmsKeyId": ""}
        doc["LabelingJobAlgorithmsConfig"] = algo
    if job.kind is POINT_CLOUD_DETECTION:  # 3D tasks use the worker UI Ground Truth provides
        ui = {"HumanTaskUiArn": f"arn:aws:sagemaker:{account.REGION}:394669845002:"
                                "human-task-ui/PointCloudObjectDetection"}  # fmt: skip
    else:
        ui = {"UiTemplateS3Uri": s3_uri(job.template_key)}
    doc["HumanTaskConfig"] = {
        "WorkteamArn": workforce.teams[job.team].arn,
        "UiConfig": ui,
        "PreHumanTaskLambdaArn": account.lambda_arn(job.kind.pre_lambda),
        "TaskKeywords": list(job.kind.keywords),
        "TaskTitle": job.kind.title,
        "TaskDescription": job.kind.description,
        "NumberOfHumanWorkersPerDataObject": job.workers_per_object,
        "TaskTimeLimitInSeconds": job.kind.time_limit,
        "TaskAvailabilityLifetimeInSeconds": job.availability_seconds,
        "MaxConcurrentTaskCount": job.max_concurrent,
        "AnnotationConsolidationConfig": {
            "AnnotationConsolidationLambdaArn": account.lambda_arn(job.kind.acs_lambda)
        },
    }
    tags = [{"Key": "project", "Value": job.project}, {"Key": "cost-center", "Value": "ml-data"}]
    if job.role:
        tags.append({"Key": "experiment", "Value": f"birds-od-{job.role}"})
    doc["Tags"] = tags
    if job.outcome in ("Completed", "Stopped"):
        output: dict = {"OutputDatasetS3Uri": s3_uri(output_manifest_key(job))}
        model = final_model_arn(job)
        if model:
            output["FinalActiveLearningModelArn"] = model
        doc["LabelingJobOutput"] = output
    return doc


def write_describe(out: Path, runs: list[JobRun], plan: OperationPlan, wf: Workforce) -> None:
    folder = out / "sagemaker" / "describe-labeling-job"
    folder.mkdir(parents=True, exist_ok=True)
    for run in runs:
        doc = describe_labeling_job(run, plan, wf)
        (folder / f"{run.plan.name}.json").write_text(json.dumps(doc, indent=4) + "\n")
