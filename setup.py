"""ears_tf: voice-assisted 16x face super-resolution (CVPR 2020) in TF 2 / Keras 3."""
import setuptools

setuptools.setup(
    name="ears_tf",
    version="0.1.0",
    description="Learning to Have an Ear for Face Super-Resolution, in TensorFlow 2 / Keras 3",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=setuptools.find_packages(include=["ears_tf", "ears_tf.*", "export", "export.*"]),
    python_requires=">=3.11,<3.12",
    install_requires=[
        # docs/design.md section 1: tensorflow-io 0.37.1 is built for TF 2.16 only, and
        # onnx >= 1.18 needs an ml_dtypes newer than TF 2.16 allows.
        "tensorflow-cpu==2.16.2",
        "keras>=3.0,<4",
        "tensorflow-io==0.37.1",
        "tf2onnx==1.17.0",
        "onnx==1.17.0",
        "onnxruntime>=1.17",
        "absl-py>=1.0",
        "numpy>=1.23,<2",
        "Pillow>=9.1",
        "scipy>=1.10",
        # An ffmpeg binary for the VoxCeleb2 preparation (nothing is downloaded at run time).
        "imageio-ffmpeg>=0.4.9",
    ],
    extras_require={
        # selenium drives Debian's chromium in the demo's browser test (.ci/run installs it).
        # pytest-xdist runs the suite on two workers (pytest.ini); filelock shares its session fixtures.
        # JAX runs the tests of the JAX backend on the CPU: 0.4.34 is the last that resolves beside
        # TensorFlow 2.16 (numpy < 2, ml-dtypes 0.3).
        "dev": ["pytest>=7.2", "pytest-timeout>=2.1", "pytest-xdist>=3.8", "filelock>=3.12", "selenium>=4.10",
                "jax==0.4.34", "jaxlib==0.4.34"],
        # python -m ears_tf.demo
        "demo": ["gradio>=5,<7"],
        # The JAX backend on an NVIDIA GPU (CUDA 12 driver): JAX's CUDA wheels carry their own CUDA
        # and cuDNN, beside tensorflow-cpu, which keeps tf.data and export (docs/backends.md).
        "cuda": ["jax[cuda12]==0.4.34"],
    },
)
