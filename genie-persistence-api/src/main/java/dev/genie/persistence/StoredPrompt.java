package dev.genie.persistence;

/** A prompt together with its result, as read in one consistent snapshot. */
public record StoredPrompt(Prompt prompt, Result result) {}
