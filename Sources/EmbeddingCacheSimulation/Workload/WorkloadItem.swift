/// One file of a workload as it is in the current cycle.
public struct WorkloadItem: Sendable, Hashable {
    /// The file's path now (it changes when the file is renamed).
    public var path: String
    /// Its path relative to the working folder in cycle 0.
    public let name: String
    /// Its class.
    public let group: String
}
