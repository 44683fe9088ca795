package org.headend.control.ops.syslog;

/**
 * One ASA syslog message before it is stamped and framed: {@code %ASA-LEVEL-ID: text}.
 *
 * @param level the severity, 0 (emergencies) to 7 (debugging)
 * @param id    the ASA message id, e.g. 113004
 * @param text  the message text in the ASA's wording
 */
public record AsaMessage(int level, int id, String text)
{
    /** The message as the ASA prints it, without time or syslog header: {@code %ASA-6-113004: …}. */
    public String body()
    {
        return "%ASA-" + level + "-" + id + ": " + text;
    }
}
