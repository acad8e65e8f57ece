package dev.clusterchat.core.service;

/**
 * Field limits of protocol v1, in characters (code points). Validated eagerly.
 *
 * @param maxNameLength        user and group names
 * @param maxPasswordLength    passwords
 * @param maxDescriptionLength group descriptions
 * @param maxMessageLength     chat message text
 */
public record ChatLimits(int maxNameLength, int maxPasswordLength, int maxDescriptionLength, int maxMessageLength) {
    public static final ChatLimits DEFAULTS = new ChatLimits(50, 128, 200, 8192);

    public ChatLimits {
        if (maxNameLength < 1) {
            throw new IllegalArgumentException("maxNameLength cannot be less than 1: " + maxNameLength);
        }
        if (maxPasswordLength < 1) {
            throw new IllegalArgumentException("maxPasswordLength cannot be less than 1: " + maxPasswordLength);
        }
        if (maxDescriptionLength < 0) {
            throw new IllegalArgumentException("maxDescriptionLength cannot be negative: " + maxDescriptionLength);
        }
        if (maxMessageLength < 1) {
            throw new IllegalArgumentException("maxMessageLength cannot be less than 1: " + maxMessageLength);
        }
    }
}
