"""Provider-neutral machinery: specs, pipeline, errors, state, time and ids."""
