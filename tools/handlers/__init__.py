"""The tools: one async function per tool, each with its argument and result models."""
