package org.headend.control.config.grammar;

/** Why a command line was refused; the CLI prints each kind in the ASA's own words. */
public enum ErrorKind
{
    /** A token matches nothing the grammar allows there ({@code Invalid input detected at '^' marker}). */
    INVALID_INPUT,
    /** The line ends where the command needs more ({@code Incomplete command}). */
    INCOMPLETE,
    /** An abbreviation fits more than one keyword ({@code Ambiguous command}). */
    AMBIGUOUS,
    /** The line is well formed but its meaning is refused (a missing reference, an overlap, an object in use). */
    REJECTED
}
