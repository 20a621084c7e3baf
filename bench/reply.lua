-- wrk script: every request posts a reply with text of its own, as the
-- reply form does. POST_ID and FORM_TOKEN come from the environment, and
-- WRK_ID, which keeps texts apart when several wrk processes run.
local post_id = os.getenv("POST_ID")
local token = os.getenv("FORM_TOKEN")
local run = (os.getenv("WRK_ID") or "0") .. "-" .. os.time()
local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

local n = 0

function request()
	n = n + 1
	local body = "comment_post_ID=" .. post_id .. "&form_token=" .. token ..
		"&author=Bench&email=bench%40example.com&comment=Load+reply+" .. run .. "-" .. tid .. "-" .. n
	return wrk.format("POST", "/comments", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
