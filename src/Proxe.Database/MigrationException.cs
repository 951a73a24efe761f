namespace Proxe.Database;

/// <summary>A migration could not run; the message says which file and what to do.</summary>
public sealed class MigrationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
