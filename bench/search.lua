-- wrk script: ten kinds of search in turn (one word, two, a phrase, a
-- prefix, an exclusion, three words, a word no post has, four words),
-- each made new by excluding a word no post has, so that none is
-- answered from the page cache. Prints the 95th percentile at the end.
local queries = { "river", "garden+window", "%22morning+coffee%22", "lant*", "harbour+-island",
	"compass+orchard+meadow", "xylophone", "quietly+library", "bread+music+kitchen+station", "%22the+river%22" }
local run = os.time()
local n = 0

function request()
	n = n + 1
	return wrk.format("GET", "/search?q=" .. queries[n % #queries + 1] .. "+-zq" .. run .. "x" .. n)
end

function done(summary, latency, requests)
	io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
