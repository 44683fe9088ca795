package org.headend.control.cli;

/** What {@code show logging} and {@code clear logging buffer} reach: the appliance's syslog. */
public interface LogView
{
    /** No syslog: {@code show logging} says so. */
    LogView NONE = new LogView()
    {
        @Override
        public String show()
        {
            return "Syslog logging: disabled\n";
        }

        @Override
        public void clearBuffer()
        {
        }
    };

    /** The text of {@code show logging}: settings, counts, then the buffered messages, oldest first. */
    String show();

    /** Empties the buffer {@code show logging} prints. */
    void clearBuffer();
}
