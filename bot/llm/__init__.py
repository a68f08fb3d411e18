"""Model-backed answers (OpenAI or any compatible server), grounded in the offline engine's passages and
checked before anyone sees them. The openai SDK is imported only inside this package."""
