"""The paper's own numbers on VoxCeleb2 (Tables 1 and 2, section 4.3), for side-by-side reports."""

# Table 1: accuracy of C_i and C_g on generated HR test images (rows named as `ears_tf.variants`).
TABLE1 = {
    "hr": {"C_i": 0.9525, "C_g": 0.9953},
    "e_h": {"C_i": 0.3431, "C_g": 0.9560},
    "lowres_only": {"C_i": 0.1123, "C_g": 0.9189},
    "audio_only": {"C_i": 0.1012, "C_g": 0.9571},
    "f1_finetune": {"C_i": 0.1699, "C_g": 0.9392},
    "f3_finetune": {"C_i": 0.2096, "C_g": 0.9503},
    "f1_fixed": {"C_i": 0.1154, "C_g": 0.9244},
}

# Table 2, the 16x rows ("cnn" is their LapSRN 16x).
TABLE2 = {
    "bicubic": {"psnr": 17.93, "ssim": 0.49, "C_i": 0.0010, "C_g": 0.5967},
    "cnn": {"psnr": 22.75, "ssim": 0.64, "C_i": 0.0527, "C_g": 0.8327},
    "f1_finetune": {"psnr": 19.15, "ssim": 0.57, "C_i": 0.1699, "C_g": 0.9392},
    "f3_finetune": {"psnr": 19.74, "ssim": 0.57, "C_i": 0.2096, "C_g": 0.9503},
}

# Share of outputs whose predicted gender follows the other-gender audio (18,864 images).
AUDIO_SWAP = {"follows_audio": 0.2941, "n": 18864}
