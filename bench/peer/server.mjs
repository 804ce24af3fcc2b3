// The peer of bench/serving.py: @neo4j/graphql 7 on @apollo/server's standalone server, over
// the Neo4j at NEO4J_URI (auth disabled, as the embedded one runs), on 127.0.0.1:PORT.
// Prints "READY <url>" once it serves.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687");
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
await neoSchema.checkNeo4jCompat(); // the Neo4j version and the APOC functions it needs
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4000) },
});
console.log(`READY ${url}`);
