"""editsurvey: a validated catalogue of diffusion-model-based image editing methods."""
