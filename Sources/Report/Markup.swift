/// A small XML/HTML element writer for the report's SVG figures and HTML page: elements with
/// attributes in the order given, text escaped, numbers written so that they parse back to the
/// same Double (`data-*` attributes carry the plotted values for checks).
public struct Markup: Sendable {
    /// The text written so far.
    public private(set) var text = ""

    /// An empty document.
    public init() {}

    /// Appends a self-closing `<name attributes…/>`.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        element(name, attributes: Array(attributes))
    }

    /// Appends `<name attributes…>`, the children written by `body`, and `</name>`.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ body: (inout Markup) -> Void) {
        element(name, attributes: Array(attributes), body)
    }

    /// A self-closing element with attributes as an array (for attributes built in a loop).
    public mutating func element(_ name: String, attributes: [(key: String, value: String)]) {
        open(name, attributes)
        text += "/>"
    }

    /// An element with children and attributes as an array.
    public mutating func element(_ name: String, attributes: [(key: String, value: String)], _ body: (inout Markup) -> Void) {
        open(name, attributes)
        text += ">"
        body(&self)
        text += "</\(name)>"
    }

    private mutating func open(_ name: String, _ attributes: [(key: String, value: String)]) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(Self.escape(value))\"" }
    }

    /// Appends escaped text.
    public mutating func text(_ string: String) { text += Self.escape(string) }

    /// Appends markup that is already well formed (an inline SVG inside the HTML page).
    public mutating func raw(_ markup: String) { text += markup }

    /// Escapes &, <, >, " and ' for text and attribute values.
    public static func escape(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for c in string {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate in SVG user units, two decimals (enough for a 0.01 px grid).
    public static func coordinate(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A plotted value exactly as stored (shortest text that parses back to the same Double).
    public static func value(_ x: Double) -> String { x.isNaN ? "NaN" : "\(x)" }
}
