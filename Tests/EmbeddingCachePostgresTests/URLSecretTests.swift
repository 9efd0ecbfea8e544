import EmbeddingCache
import EmbeddingCachePostgres
import Foundation
import Testing

/// A URL that fails to parse never shows its password; `sslrootcert` names the trust roots.
struct URLSecretTests {
    typealias Configuration = PostgresEmbeddingStore.Configuration

    /// Passwords that break a URL unless percent-encoded, each holding the marker `Zq7`.
    static let passwords = ["pa#Zq7ss", "pa/Zq7ss", "pa?Zq7ss", "pa@Zq7ss", "50%Zq7off", "Zq7%", "Zq7%4", "Zq7%zz"]

    @Test(arguments: passwords)
    func aMalformedPasswordIsAnErrorThatNeverShowsIt(password: String) {
        let url = "postgres://alice:\(password)@db.internal:5432/features"
        do {
            let configuration = try Configuration(url: url, environment: [:])
            Issue.record(
                "parsed \(Configuration.redacting(url)) with the password \(configuration.password == nil ? "dropped" : "kept")"
            )
        } catch {
            for text in [
                error.message, error.description, error.debugDescription, "\(error)", String(reflecting: error),
            ] {
                #expect(!text.contains("Zq7"), "the password shows in: \(text)")
            }
            #expect(error.message.contains("alice:***@db.internal"), "\(error.message)")
            #expect(error.code == .invalidArgument)
        }
        #expect(!Configuration.redacting(url).contains("Zq7"), "\(Configuration.redacting(url))")
    }

    @Test func percentEncodedPasswordsAreDecoded() throws {
        let configuration = try Configuration(url: "postgres://alice:a%23b%2Fc%3Fd%40e%25f@db/x", environment: [:])
        #expect(configuration.password == "a#b/c?d@e%f")
    }

    @Test func sslrootcertNamesTheTrustRootsAndMakesRequireVerify() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embcache-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pem = folder.appendingPathComponent("root.pem").path
        try Data(Self.certificate.utf8).write(to: URL(fileURLWithPath: pem))
        let full = try Configuration(url: "postgres://u@db/x?sslmode=verify-full&sslrootcert=\(pem)", environment: [:])
        #expect(full.rootCertificatePath == pem && full.tls == .verifyFull)
        let require = try Configuration(url: "postgres://u@db/x?sslmode=require&sslrootcert=\(pem)", environment: [:])
        #expect(require.tls == .verifyCA)
        let notPEM = folder.appendingPathComponent("not.pem").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notPEM))
        for path in [notPEM, folder.appendingPathComponent("missing.pem").path] {
            do {
                _ = try Configuration(url: "postgres://u@db/x?sslmode=verify-ca&sslrootcert=\(path)", environment: [:])
                Issue.record("accepted sslrootcert \(path)")
            } catch {
                #expect(error.message.contains(path), "\(error.message)")
            }
        }
    }

    /// A self-signed certificate authority made for this test only.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBiDCCAS2gAwIBAgIUSDy48phBlRTf+fx9rrLfJxNyxqswCgYIKoZIzj0EAwIw
        GDEWMBQGA1UEAwwNZW1iY2FjaGUtdGVzdDAgFw0yNjEyMDUxMjA4MDNaGA8yMTI2
        MTExMTEyMDgwM1owGDEWMBQGA1UEAwwNZW1iY2FjaGUtdGVzdDBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABNfoli5buDT6T3nfqjXA6fZSpJHZNGkrqGT5nS+w4m62
        LyFpTz6Dt87Md02JPBtv42h+xamiJrqOE7OGjQmtJgijUzBRMB0GA1UdDgQWBBSS
        zXoM2dBobGoJyj2ZAdQ8Wn6fsTAfBgNVHSMEGDAWgBSSzXoM2dBobGoJyj2ZAdQ8
        Wn6fsTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQC6GqnGFgRK
        vE9595nL1DoYMVw1XXoB9LUqdajGjBjXAwIhAIduPSRRGZrDLbjknPsN/qYlPN1S
        GKsnifKmkwlpuVhp
        -----END CERTIFICATE-----

        """
}
