import FoundationEssentials

/// One file a simulation writes into its output folder: a CSV table or an SVG chart.
public struct ReportFile: Sendable, Hashable {
    /// The file's name in the output folder, such as `churn.csv`.
    public var name: String
    /// Its text.
    public var contents: String

    /// Creates a file.
    ///
    /// - Parameters:
    ///   - name: The file's name.
    ///   - contents: Its text.
    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }

    /// Writes `files` into `folder`, creating it, replacing files of the same names.
    ///
    /// - Parameters:
    ///   - files: The files.
    ///   - folder: The output folder.
    /// - Returns: The paths written, in order.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming a path that cannot be written.
    public static func write(_ files: [ReportFile], to folder: String) throws -> [String] {
        try SimulationFiles.createFolder(folder)
        return try files.map { file in
            let path = folder + "/" + file.name
            try SimulationFiles.write(Data(file.contents.utf8), to: path)
            return path
        }
    }
}
