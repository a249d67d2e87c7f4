"""The demo page: a face and a voice in, the super-resolved face out (Gradio Blocks).

The page holds no model code: each request goes to `DemoRunner.run`. A user mistake (not
an image, an undecodable or silent audio file) or a workdir without the needed stages is
one readable message in the page; the server keeps serving.
"""
from __future__ import annotations

import os

import gradio as gr

from ears_tf.demo.runner import MIX_STEPS, DemoRunner
from ears_tf.errors import InputError
from ears_tf.refine_options import MEASURED_STEPS

TITLE = "ears_tf: a face from a {r}x{r} frame and a voice"
DISPLAY_HEIGHT = 256  # pixels on the page: small outputs are enlarged, without smoothing (CSS below)
MAX_REFINE_STEPS = 200  # the slider's end; refine_options.MEASURED_STEPS is the measured count (docs/evaluation.md)
# Gradio shows an image at most at its own size; these fill the panel instead, keeping the aspect.
CSS = ("#lr img, #bicubic img, #lowres_only img, #fused img, #refined img, #mix img "
       "{image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain;}")
INTRO = (
    "Upload a face (any size: it is reduced to the {r}x{r} input the model sees; an image of exactly "
    "{r}x{r} pixels is taken as that input) and a voice (a file of any length, or a recording: the "
    "model hears the middle 4 s). With a second voice, the last row blends the voice code from the "
    "first voice to the second."
)


def _message(error: BaseException) -> str:
    if isinstance(error, InputError):
        return f"{error.path}: {error.problem}" if error.path else error.problem
    return f"{type(error).__name__}: {error}".splitlines()[0]


def build(runner: DemoRunner | None, startup_error: str | None = None, examples: list | None = None) -> gr.Blocks:
    """The page; with `runner` None it shows `startup_error` and answers every request with it."""
    r = runner.model_config.lr_size if runner else 8
    size = runner.model_config.hr_size if runner else 128

    def respond(face, voice, second_voice, refine_steps=0):
        if runner is None:
            raise gr.Error(startup_error, print_exception=False)
        if not face:
            raise gr.Error("upload a face image", print_exception=False)
        if not voice:
            raise gr.Error("upload or record a voice", print_exception=False)
        names = {face: _upload_name(face), voice: _upload_name(voice)}
        if second_voice:
            names[second_voice] = _upload_name(second_voice)
        try:
            result = runner.run(face, voice, second_voice or None, names=names, refine_steps=int(refine_steps))
        except InputError as error:
            raise gr.Error(_message(error), print_exception=False) from None
        status = f"{result.seconds:.1f} s on this machine ({runner.variant}, {size}x{size})"
        if result.refined is not None:
            status += f"; the refinement's {int(refine_steps)} steps took {result.refine_seconds:.1f} s of it"
        mix = gr.update(value=result.mix, visible=result.mix is not None)
        refined = gr.update(value=result.refined, visible=result.refined is not None)
        return result.lr, result.bicubic, result.lowres_only, result.fused, refined, mix, status

    with gr.Blocks(title=TITLE.format(r=r), analytics_enabled=False) as page:
        gr.Markdown(f"## {TITLE.format(r=r)}\n{INTRO.format(r=r)}")
        if startup_error:
            gr.Markdown(f"**This workdir cannot serve requests:** {startup_error}", elem_id="startup_error")
        with gr.Row():
            face = gr.File(label=f"Face image (any size, or {r}x{r})", file_types=["image"], type="filepath",
                           elem_id="face")
            voice = gr.Audio(label="Voice", sources=["upload", "microphone"], type="filepath", elem_id="voice")
            second_voice = gr.Audio(label="Second voice (optional: the mixing strip)", sources=["upload", "microphone"],
                                    type="filepath", elem_id="second_voice")
        refine_steps = gr.Slider(0, MAX_REFINE_STEPS, value=0, step=10, elem_id="refine_steps",
                                 label="Refine steps: fit the fused face to the frame near the voice's code "
                                       f"(0: off; {MEASURED_STEPS}: the measured count)")
        run = gr.Button("Super-resolve", variant="primary", elem_id="run")
        status = gr.Markdown(elem_id="status")
        with gr.Row():
            outputs = [gr.Image(label=label, type="numpy", format="png", interactive=False, elem_id=elem,
                                height=DISPLAY_HEIGHT)
                       for label, elem in ((f"What the model sees ({r}x{r}, enlarged)", "lr"),
                                           ("Bicubic 16x", "bicubic"), ("E_l only (no voice)", "lowres_only"),
                                           ("Fused with the voice", "fused"))]
        refined = gr.Image(label="Refined against the frame", type="numpy", format="png", interactive=False,
                           visible=False, elem_id="refined", height=DISPLAY_HEIGHT)
        mix = gr.Image(label=f"Voice mixing: first voice -> second voice ({MIX_STEPS} steps)", type="numpy",
                       format="png", interactive=False, visible=False, elem_id="mix",
                       height=DISPLAY_HEIGHT)
        if examples:
            gr.Examples(examples=examples, inputs=[face, voice, second_voice], label="Test-split pairs of the training data")
        run.click(respond, inputs=[face, voice, second_voice, refine_steps], outputs=[*outputs, refined, mix, status])
    return page


def _upload_name(path: str) -> str:
    """The name the user gave the file: Gradio keeps it as the temporary file's own name."""
    return os.path.basename(path)
