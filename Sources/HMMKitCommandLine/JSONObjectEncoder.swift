import Foundation

/// Turns an `Encodable` value into the object tree `JSONSerialization` writes: `[String: Any]`
/// for keyed containers, `[Any]` for unkeyed ones, `NSNull` for `encodeNil`, and numbers, strings
/// and booleans as the Swift values themselves. The `--json` outputs print through it (see
/// ``Terminal/printJSON(_:)``), so a number is formatted once, by `JSONSerialization`, from the
/// value the command computed: going through `JSONEncoder` text and parsing it back would print
/// −0.0 as `0` and 1.5e19 as a twenty-digit integer. Synthesised `Encodable` leaves out `nil`
/// optionals; a type that wants `null` encodes it with `encodeNil`.
enum JSONObjectEncoder {
    static func object<Value: Encodable>(_ value: Value) throws -> Any {
        let root = Node()
        try root.store(value, codingPath: [])
        return root.resolved()
    }
}

/// One value of the tree being built: a leaf, an object or an array. A reference, so that a
/// nested container fills its place in the parent.
private final class Node {
    var leaf: Any = NSNull()
    var members: [String: Node]?
    var elements: [Node]?

    /// `value` here: numbers, strings and booleans as they are, anything else through its
    /// `encode(to:)` (which for those would call back here without end).
    func store<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws {
        switch value {
        case is Bool, is String, is Double, is Float, is Int, is Int8, is Int16, is Int32, is Int64,
             is UInt, is UInt8, is UInt16, is UInt32, is UInt64:
            leaf = value
        default:
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }

    func member(_ key: any CodingKey) -> Node {
        let child = Node()
        if members == nil { members = [:] }
        members![key.stringValue] = child
        return child
    }

    func appended() -> Node {
        let child = Node()
        if elements == nil { elements = [] }
        elements!.append(child)
        return child
    }

    func resolved() -> Any {
        if let members { return members.mapValues { $0.resolved() } }
        if let elements { return elements.map { $0.resolved() } }
        return leaf
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.elements == nil { node.elements = [] }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(node: node, codingPath: codingPath) }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { _ = node.member(key) }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        try node.member(key).store(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type, forKey key: Key) -> KeyedEncodingContainer<Nested> {
        NodeEncoder(node: node.member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.member(SuperKey()), codingPath: codingPath + [SuperKey()]) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.member(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.elements?.count ?? 0 }

    mutating func encodeNil() throws { _ = node.appended() }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        try node.appended().store(value, codingPath: codingPath)
    }

    mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type) -> KeyedEncodingContainer<Nested> {
        NodeEncoder(node: node.appended(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.appended(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.appended(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.leaf = NSNull() }

    mutating func encode<Value: Encodable>(_ value: Value) throws { try node.store(value, codingPath: codingPath) }
}

/// The key `Encoder.superEncoder()` writes under, as the standard encoders name it.
private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
