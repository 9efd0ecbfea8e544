import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file parsed with Foundation's XML parser: its title, its texts by class, its series.
final class SVGDocument: NSObject, XMLParserDelegate {
    private(set) var title: String?
    private(set) var texts: [(class: String, text: String)] = []
    private(set) var seriesNames: [String] = []
    private(set) var polylinePoints: [[(x: Double, y: Double)]] = []
    private var element = ""
    private var textClass = ""
    private var buffer = ""

    /// Parses `text`; throws when it is not well-formed XML with an `svg` root.
    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse(), root == "svg" else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    private var root: String?

    /// The texts of class `name`, in document order.
    func texts(class name: String) -> [String] { texts.filter { $0.class == name }.map(\.text) }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil { root = elementName }
        element = elementName
        buffer = ""
        textClass = attributes["class"] ?? ""
        if elementName == "polyline", attributes["class"] == "series" {
            seriesNames.append(attributes["data-name"] ?? "")
            polylinePoints.append(
                (attributes["points"] ?? "").split(separator: " ").map { pair in
                    let numbers = pair.split(separator: ",").compactMap { Double($0) }
                    return (numbers[0], numbers[1])
                }
            )
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "title" { title = buffer }
        if elementName == "text" { texts.append((textClass, buffer)) }
        buffer = ""
    }
}
