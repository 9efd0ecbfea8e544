internal import FoundationEssentials

/// libpq's password file: lines of `host:port:database:user:password`, `*` matching anything,
/// `\:` and `\\` escaping, `#` starting a comment.
enum PasswordFile {
    /// The password of the first line matching the configuration, from `PGPASSFILE`, else
    /// `~/.pgpass`; `nil` when there is no such file or line.
    static func lookUp(
        _ configuration: PostgresEmbeddingStore.Configuration,
        environment: [String: String]
    ) -> String? {
        guard let path = environment["PGPASSFILE"] ?? environment["HOME"].map({ "\($0)/.pgpass" }),
            let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { return nil }
        let wanted = [
            configuration.host, String(configuration.port), configuration.database ?? configuration.username,
            configuration.username,
        ]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The fields of one line, unescaped.
    private static func split(_ line: Substring) -> [String] {
        var fields = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}
